package io.sagaline.orchestrator.saga;

import io.sagaline.messaging.SagaId;
import io.sagaline.orchestrator.saga.SagaEvent.DeadlinePassed;
import io.sagaline.orchestrator.saga.SagaEvent.OperatorAbort;
import io.sagaline.orchestrator.saga.SagaEvent.OperatorResolve;
import io.sagaline.orchestrator.saga.SagaEvent.OperatorRetry;
import io.sagaline.orchestrator.saga.SagaEvent.ReplyReceived;
import io.sagaline.orchestrator.saga.SagaEvent.Started;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The saga state machine as one function: {@link #apply} takes a saga's definition, data, state,
 * one event and the current time, and returns the next data, state and effects. It reads no clock,
 * database or broker; the only inputs besides its arguments are the jitter generator and the
 * request-id supplier given at construction, so seeded ones make it fully deterministic.
 *
 * <p>Thread-safe if the generator and supplier are (the default ones are). Events of one saga
 * must be applied one at a time, each to the state the previous one returned.
 */
public final class SagaEngine {

    private final RandomGenerator jitter;
    private final Supplier<UUID> requestIds;

    /**
     * @param jitter draws the random share taken off each backoff
     * @param requestIds makes the message id of each command sent; must never repeat
     */
    public SagaEngine(RandomGenerator jitter, Supplier<UUID> requestIds) {
        this.jitter = Objects.requireNonNull(jitter, "jitter");
        this.requestIds = Objects.requireNonNull(requestIds, "requestIds");
    }

    /** An engine with random jitter and random request ids, for production. */
    public static SagaEngine withRandomness() {
        return new SagaEngine(() -> ThreadLocalRandom.current().nextLong(), UUID::randomUUID);
    }

    /**
     * Applies one event.
     *
     * @param definition the definition the saga was started with
     * @param sagaId the saga, for idempotency keys
     * @param data the saga's data before the event
     * @param state the saga's state before the event
     * @param event what happened
     * @param now the current time; deadlines are computed from it
     * @return the data, state and effects after the event; an event that does not apply yields an
     *     unchanged state and one {@link SagaEffect.Ignored} or {@link SagaEffect.Rejected}
     */
    public <D extends Record> Transition<D> apply(
            SagaDefinition<D> definition, SagaId sagaId, D data, SagaState state, SagaEvent event, Instant now) {
        var turn = new Turn<>(definition, sagaId, data, now, jitter, requestIds);
        SagaState next = switch (event) {
            case Started started -> start(turn, state);
            case ReplyReceived reply ->
                state.runsGroup() ? ParallelGroup.onReply(turn, state, reply) : onReply(turn, state, reply);
            case DeadlinePassed passed ->
                state.runsGroup() ? onGroupDeadline(turn, state, passed) : onDeadline(turn, state);
            case OperatorRetry retry -> onRetry(turn, state);
            case OperatorAbort abort -> onAbort(turn, state, abort.reason());
            case OperatorResolve resolve -> onResolve(turn, state, resolve.reason());
        };
        return turn.result(next);
    }

    private static <D extends Record> SagaState start(Turn<D> turn, SagaState state) {
        if (state.status() != SagaStatus.NEW) {
            return turn.ignore(state, "already started; saga is " + state.status());
        }
        return turn.enter(state.started());
    }

    private static <D extends Record> SagaState onReply(Turn<D> turn, SagaState state, ReplyReceived event) {
        Record reply = event.reply();
        String type = reply.getClass().getSimpleName();
        if (!state.status().isActive()
                || !(state.awaits(event.inReplyTo()) || answersEarlierAttempt(turn, state, event))) {
            return turn.ignore(
                    state,
                    type + " answers request " + event.inReplyTo() + ", which is not awaited (saga is " + state.status()
                            + ", awaiting " + state.awaitedRequest() + ")");
        }
        Step<D> step = turn.definition().step(state.step());
        return switch (step.classify(reply, state.direction())) {
            case DONE -> {
                if (state.direction() == Direction.FORWARD) {
                    turn.fold(step, reply);
                    if (step.kind() == StepKind.PIVOT) {
                        turn.emit(new SagaEffect.PivotPassed(step.index(), step.name()));
                    }
                }
                yield turn.enter(state.next());
            }
            case FAILED ->
                step.kind() == StepKind.RETRIABLE
                        // Past the pivot nothing is undone: an operator decides.
                        ? turn.failCompletion(state, step.name() + " failed for good: " + reply)
                        : turn.compensate(state, state.step() - 1, step.name() + " failed: " + reply);
            case RETRYABLE_FAILURE -> turn.retryLater(state, step.name() + " failed, retryable: " + reply);
            case UNEXPECTED ->
                turn.ignore(state, type + " is not a reply " + step.name() + " expects (" + state.direction() + ")");
        };
    }

    /**
     * Whether the reply answers an earlier attempt of the request the saga stands on with a final
     * answer. A participant applies one idempotency key once and answers every attempt alike, so
     * such a reply is as good as the awaited one's; a retryable failure is not, for it only speaks
     * of its own attempt.
     */
    private static <D extends Record> boolean answersEarlierAttempt(
            Turn<D> turn, SagaState state, ReplyReceived event) {
        if (event.idempotencyKey() == null || !turn.isCurrentRequest(state, event.idempotencyKey())) {
            return false;
        }
        Step.Outcome outcome = turn.definition().step(state.step()).classify(event.reply(), state.direction());
        return outcome == Step.Outcome.DONE || outcome == Step.Outcome.FAILED;
    }

    private static <D extends Record> SagaState onDeadline(Turn<D> turn, SagaState state) {
        if (!state.isDue(turn.now())) {
            return turn.ignore(state, "no deadline due; saga is " + state.status() + ", deadline " + state.deadline());
        }
        if (state.awaitedRequest() == null) {
            return turn.resend(state);
        }
        Step<D> step = turn.definition().step(state.step());
        String timedOut = (state.direction() == Direction.FORWARD ? step.name() : "compensation of " + step.name())
                + " timed out after " + step.timeout() + " (attempt " + state.attempt() + ")";
        if (state.direction() == Direction.FORWARD && turn.definition().isBeforePivot(state.step())) {
            if (step.resendsAfterTimeout(state.attempt())) {
                // A late reply is not a no: the participant may be restarting.
                return turn.resendLater(state, timedOut);
            }
            // No reply is not a no either: the step may have happened, so it is undone with the others.
            return turn.compensate(state, state.step(), timedOut + "; in doubt");
        }
        return turn.retryLater(state, timedOut);
    }

    private static <D extends Record> SagaState onGroupDeadline(Turn<D> turn, SagaState state, DeadlinePassed event) {
        if (!state.isDue(turn.now())) {
            return turn.ignore(state, "no deadline due; saga is " + state.status() + ", deadline " + state.deadline());
        }
        return ParallelGroup.onDeadline(turn, state, event);
    }

    private static <D extends Record> SagaState onRetry(Turn<D> turn, SagaState state) {
        if (state.runsGroup()
                && state.status() != SagaStatus.COMPENSATION_FAILED
                && !state.status().isFinal()) {
            return ParallelGroup.retryNow(turn, state);
        }
        return switch (state.status()) {
            case RUNNING, COMPENSATING -> turn.resend(state);
            case COMPENSATION_FAILED -> turn.resend(state.resumeCompensating());
            case COMPLETION_FAILED -> turn.resend(state.resumeRunning());
            case NEW, COMPLETED, COMPENSATED, RESOLVED ->
                turn.reject(state, "nothing to retry: saga is " + state.status());
        };
    }

    private static <D extends Record> SagaState onAbort(Turn<D> turn, SagaState state, String reason) {
        return switch (state.status()) {
            case RUNNING -> {
                if (!turn.definition().isBeforePivot(state.step())) {
                    String pivot =
                            turn.definition().step(turn.definition().pivot()).name();
                    yield turn.reject(state, "cannot abort: the saga is past its pivot (" + pivot + ")");
                }
                if (state.runsGroup()) {
                    yield ParallelGroup.abort(turn, state, "aborted by an operator: " + reason);
                }
                // The current step's request may have been carried out: undo it too.
                yield turn.compensate(state, state.step(), "aborted by an operator: " + reason);
            }
            case COMPENSATING, COMPENSATION_FAILED -> turn.reject(state, "already compensating");
            case COMPLETION_FAILED -> turn.reject(state, "cannot abort: the saga is past its pivot");
            case NEW, COMPLETED, COMPENSATED, RESOLVED -> turn.reject(state, "cannot abort: saga is " + state.status());
        };
    }

    private static <D extends Record> SagaState onResolve(Turn<D> turn, SagaState state, String reason) {
        if (state.status() != SagaStatus.COMPENSATION_FAILED && state.status() != SagaStatus.COMPLETION_FAILED) {
            return turn.reject(
                    state,
                    "only a saga whose compensation or completion failed can be resolved; saga is " + state.status());
        }
        turn.emit(new SagaEffect.Resolved(reason));
        return state.resolved(reason);
    }
}
