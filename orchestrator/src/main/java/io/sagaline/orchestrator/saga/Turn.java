package io.sagaline.orchestrator.saga;

import io.sagaline.messaging.SagaId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** One application of an event: the moves of the state machine, collecting data and effects. */
final class Turn<D extends Record> {

    private final SagaDefinition<D> definition;
    private final SagaId sagaId;
    private final Instant now;
    private final RandomGenerator jitter;
    private final Supplier<UUID> requestIds;
    private final List<SagaEffect> effects = new ArrayList<>();
    private D data;

    Turn(
            SagaDefinition<D> definition,
            SagaId sagaId,
            D data,
            Instant now,
            RandomGenerator jitter,
            Supplier<UUID> requestIds) {
        this.definition = definition;
        this.sagaId = sagaId;
        this.data = data;
        this.now = now;
        this.jitter = jitter;
        this.requestIds = requestIds;
    }

    SagaDefinition<D> definition() {
        return definition;
    }

    Instant now() {
        return now;
    }

    Transition<D> result(SagaState state) {
        return new Transition<>(data, state, effects);
    }

    void emit(SagaEffect effect) {
        effects.add(effect);
    }

    void fold(Step<D> step, Record reply) {
        data = step.onSuccess().apply(data, reply);
    }

    SagaState ignore(SagaState state, String reason) {
        emit(new SagaEffect.Ignored(reason));
        return state;
    }

    SagaState reject(SagaState state, String reason) {
        emit(new SagaEffect.Rejected(reason));
        return state;
    }

    /**
     * Runs the state's step in its direction: local actions at once, one after another, until a
     * command is sent or the saga ends.
     */
    SagaState enter(SagaState entered) {
        SagaState state = entered;
        while (true) {
            boolean forward = state.direction() == Direction.FORWARD;
            if (forward && state.step() >= definition.size()) {
                emit(new SagaEffect.Completed());
                return state.completed();
            }
            if (!forward && state.step() < 0) {
                emit(new SagaEffect.Compensated(String.valueOf(state.reason())));
                return state.compensated();
            }
            if (forward && definition.group(state.step()).isParallel()) {
                return ParallelGroup.start(this, state, definition.group(state.step()));
            }
            if (!forward
                    && state.member(state.step())
                            .filter(member -> !member.phase().needsCompensation())
                            .isPresent()) {
                // A member of a parallel group that failed did nothing: there is nothing to undo.
                state = state.next();
                continue;
            }
            Step<D> step = definition.step(state.step());
            switch (step.action(state.direction())) {
                case Action.Local<D> local -> {
                    emit(new SagaEffect.RunLocal(step.index(), step.name(), state.direction()));
                    if (forward && step.kind() == StepKind.PIVOT) {
                        emit(new SagaEffect.PivotPassed(step.index(), step.name()));
                    }
                    state = state.next();
                }
                case Action.Send<D> send -> {
                    return send(state, step, send, 1);
                }
            }
        }
    }

    /** Sends the current request again now, as its next attempt, under the same idempotency key. */
    SagaState resend(SagaState state) {
        Step<D> step = definition.step(state.step());
        return switch (step.action(state.direction())) {
            case Action.Send<D> send -> send(state, step, send, state.attempt() + 1);
            // A local action never waits, so a waiting state always stands on a command.
            case Action.Local<D> local -> throw new IllegalStateException(step.name() + " is local: " + state);
        };
    }

    /**
     * Schedules the next attempt of the current request after its backoff, or gives up: before
     * the pivot by compensating, in compensation by failing visibly. From the pivot on, forward
     * steps never give up.
     */
    SagaState retryLater(SagaState state, String error) {
        Step<D> step = definition.step(state.step());
        boolean forward = state.direction() == Direction.FORWARD;
        boolean untilDone = forward && !definition.isBeforePivot(state.step());
        if (untilDone || step.retry().allowsAttemptAfter(state.attempt())) {
            Instant due = backoffAfter(step, state.attempt());
            emit(new SagaEffect.RetryScheduled(step.index(), state.direction(), state.attempt() + 1, due, error));
            return state.retryAt(due, error);
        }
        String gaveUp = "gave up after " + state.attempt() + " attempts: " + error;
        if (forward) {
            // Every attempt answered "not done", so only the steps before this one are undone.
            return compensate(state.retryAt(now, error), state.step() - 1, gaveUp);
        }
        emit(new SagaEffect.CompensationFailed(step.index(), gaveUp));
        return state.compensationFailed(gaveUp);
    }

    /**
     * Sends the current forward request again after its backoff, because its reply is late and the
     * step's patience is not spent. The same idempotency key makes a duplicate harmless.
     */
    SagaState resendLater(SagaState state, String timedOut) {
        Step<D> step = definition.step(state.step());
        Instant due = backoffAfter(step, state.attempt());
        String reason = timedOut + "; sending it again within a patience of " + step.patience();
        emit(new SagaEffect.RetryScheduled(step.index(), state.direction(), state.attempt() + 1, due, reason));
        return state.retryAt(due, timedOut);
    }

    /** Whether {@code key} is the idempotency key of the request the state stands on. */
    boolean isCurrentRequest(SagaState state, String key) {
        return key.equals(idempotencyKey(state.step(), state.direction()));
    }

    /** A step after the pivot failed for good: the saga waits for an operator. */
    SagaState failCompletion(SagaState state, String reason) {
        emit(new SagaEffect.CompletionFailed(state.step(), reason));
        return state.completionFailed(reason);
    }

    /** Compensates from step {@code from} (it included) back to step 0. */
    SagaState compensate(SagaState state, int from, String reason) {
        emit(new SagaEffect.CompensationStarted(from, reason));
        return enter(state.startCompensating(from, reason));
    }

    private SagaState send(SagaState state, Step<D> step, Action.Send<D> send, int attempt) {
        SagaEffect.SendCommand command = command(step, send, state.direction(), attempt);
        return state.sent(command.requestId(), attempt, command.deadline());
    }

    /** Sends attempt {@code attempt} of step {@code index}'s command, a member of a parallel group. */
    GroupMember sendMember(int index, int attempt, @Nullable String lastError) {
        Step<D> step = definition.step(index);
        if (!(step.action() instanceof Action.Send<D> send)) {
            throw new IllegalStateException(step.name() + " is local and cannot run in a parallel group");
        }
        SagaEffect.SendCommand command = command(step, send, Direction.FORWARD, attempt);
        return new GroupMember(
                index, GroupMember.Phase.AWAITING, attempt, command.requestId(), command.deadline(), lastError);
    }

    private SagaEffect.SendCommand command(Step<D> step, Action.Send<D> send, Direction direction, int attempt) {
        var command = new SagaEffect.SendCommand(
                step.index(),
                step.name(),
                direction,
                send.command().apply(data),
                send.topic(),
                idempotencyKey(step.index(), direction),
                requestIds.get(),
                attempt,
                now.plus(step.timeout()));
        emit(command);
        return command;
    }

    /** The backoff before attempt {@code attempt + 1} of step {@code step}'s request. */
    Instant backoffAfter(Step<D> step, int attempt) {
        return now.plus(step.retry().backoff(attempt, jitter));
    }

    String idempotencyKey(int step, Direction direction) {
        return sagaId + ":" + step + ":" + direction.action();
    }
}
