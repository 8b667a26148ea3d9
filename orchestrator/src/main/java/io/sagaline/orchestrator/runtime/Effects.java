package io.sagaline.orchestrator.runtime;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.MessageId;
import io.sagaline.messaging.OutboxWriter;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.orchestrator.runtime.StepLog.Entry;
import io.sagaline.orchestrator.runtime.StepLog.Line;
import io.sagaline.orchestrator.saga.Direction;
import io.sagaline.orchestrator.saga.SagaDefinition;
import io.sagaline.orchestrator.saga.SagaEffect;
import io.sagaline.orchestrator.saga.SagaState;
import io.sagaline.orchestrator.saga.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Carries out a transition's effects in the transaction that stores it: commands to the outbox,
 * local steps and outcomes through the saga's {@link SagaType}, a step-log line for each, and
 * metrics once the transaction commits.
 */
@Component
class Effects {

    private final StepLog stepLog;
    private final OutboxWriter outbox;
    private final EnvelopeCodec codec;
    private final SagaMetrics metrics;
    private final OrchestratorProperties properties;

    Effects(
            StepLog stepLog,
            OutboxWriter outbox,
            EnvelopeCodec codec,
            SagaMetrics metrics,
            OrchestratorProperties properties) {
        this.stepLog = stepLog;
        this.outbox = outbox;
        this.codec = codec;
        this.metrics = metrics;
        this.properties = properties;
    }

    /** Carries out {@code transition}'s effects in order, then appends {@code lines} and a line per effect. */
    <D extends Record> void carryOut(
            SagaType<D> type,
            SagaDefinition<D> definition,
            SagaRow row,
            Transition<D> transition,
            Instant now,
            List<Line> lines) {
        SagaId id = row.id();
        SagaState state = transition.state();
        for (SagaEffect effect : transition.effects()) {
            switch (effect) {
                case SagaEffect.SendCommand send -> {
                    String messageType = MessageTypes.of(send.command());
                    outbox.append(properties.commandTopic(send.topic()), command(row, send, messageType, now));
                    lines.add(Line.of(id, now, Entry.COMMAND_SENT, "reply due by " + send.deadline())
                            .atStep(send.step(), send.stepName(), send.direction(), send.attempt())
                            .message(messageType, send.requestId(), null));
                }
                case SagaEffect.RunLocal local -> {
                    type.runLocal(id, transition.data(), local, state, now);
                    lines.add(Line.of(id, now, Entry.LOCAL_STEP, null)
                            .atStep(local.step(), local.stepName(), local.direction(), null));
                }
                case SagaEffect.PivotPassed pivot -> {
                    type.pivotPassed(id, transition.data(), now);
                    lines.add(Line.of(id, now, Entry.PIVOT_PASSED, "no longer undone; only moves forward")
                            .atStep(pivot.step(), pivot.stepName(), state.direction(), null));
                }
                case SagaEffect.RetryScheduled retry ->
                    lines.add(Line.of(id, now, Entry.RETRY_SCHEDULED, "due " + retry.at() + ": " + retry.reason())
                            .atStep(
                                    retry.step(),
                                    definition.step(retry.step()).name(),
                                    retry.direction(),
                                    retry.attempt()));
                case SagaEffect.MemberSettled settled ->
                    lines.add(Line.of(
                                    id,
                                    now,
                                    Entry.MEMBER_SETTLED,
                                    settled.detail() == null
                                            ? settled.outcome().name()
                                            : settled.outcome() + ": " + settled.detail())
                            .atStep(settled.step(), settled.stepName(), Direction.FORWARD, null));
                case SagaEffect.CompensationPending pending ->
                    lines.add(Line.of(
                                    id,
                                    now,
                                    Entry.COMPENSATION_PENDING,
                                    pending.reason() + "; waiting for "
                                            + pending.awaited().stream()
                                                    .map(step -> definition
                                                            .step(step)
                                                            .name())
                                                    .toList())
                            .atStep(
                                    pending.group(),
                                    definition.step(pending.group()).name(),
                                    Direction.FORWARD,
                                    null));
                case SagaEffect.CompensationStarted started -> {
                    Line line = Line.of(id, now, Entry.COMPENSATION_STARTED, started.reason());
                    lines.add(
                            started.fromStep() < 0
                                    ? line
                                    : line.atStep(
                                            started.fromStep(),
                                            definition.step(started.fromStep()).name(),
                                            Direction.BACKWARD,
                                            null));
                }
                case SagaEffect.Completed completed -> {
                    type.finished(id, transition.data(), state, now);
                    lines.add(Line.of(id, now, Entry.COMPLETED, null));
                    finished(type, row, state, now);
                }
                case SagaEffect.Compensated compensated -> {
                    type.finished(id, transition.data(), state, now);
                    lines.add(Line.of(id, now, Entry.COMPENSATED, compensated.reason()));
                    finished(type, row, state, now);
                }
                case SagaEffect.CompensationFailed failed -> {
                    lines.add(waitingForOperator(
                            Entry.COMPENSATION_FAILED, failed.step(), failed.reason(), definition, id, state, now));
                    afterCommit(() -> metrics.compensationFailed(type.name()));
                }
                case SagaEffect.CompletionFailed failed -> {
                    lines.add(waitingForOperator(
                            Entry.COMPLETION_FAILED, failed.step(), failed.reason(), definition, id, state, now));
                    afterCommit(() -> metrics.completionFailed(type.name()));
                }
                case SagaEffect.Resolved resolved -> {
                    type.finished(id, transition.data(), state, now);
                    lines.add(Line.of(id, now, Entry.RESOLVED, resolved.reason()));
                    finished(type, row, state, now);
                }
                // Names what was ignored: the reply's type and ids, or the step whose deadline it was.
                case SagaEffect.Ignored ignored -> lines.add(lines.getFirst().as(Entry.IGNORED, ignored.reason()));
                case SagaEffect.Rejected rejected ->
                    lines.add(Line.of(id, now, Entry.OPERATOR_REJECTED, rejected.reason()));
            }
        }
        stepLog.append(lines);
    }

    /** The line of a saga that stopped at {@code step} until an operator acts. */
    private static Line waitingForOperator(
            Entry entry,
            int step,
            String reason,
            SagaDefinition<?> definition,
            SagaId id,
            SagaState state,
            Instant now) {
        return Line.of(id, now, entry, reason)
                .atStep(step, definition.step(step).name(), state.direction(), state.attempt());
    }

    private void finished(SagaType<?> type, SagaRow row, SagaState state, Instant now) {
        Duration took = Duration.between(row.createdAt(), now);
        afterCommit(() -> metrics.finished(type.name(), state.status(), took));
    }

    private Envelope command(SagaRow row, SagaEffect.SendCommand send, String messageType, Instant now) {
        return new Envelope(
                MessageId.of(send.requestId()),
                row.id(),
                messageType,
                codec.toTree(send.command()),
                send.idempotencyKey(),
                null,
                row.startKey(),
                null,
                now);
    }

    /** Runs {@code action} once the current transaction has committed; never if it rolls back. */
    static void afterCommit(Runnable action) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }
}
