package io.sagaline.orchestrator.saga;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What the caller of {@link SagaEngine#apply} must carry out, in the transaction that stores the
 * new state, in the order given. Every effect is also a line of the saga's step log.
 */
public sealed interface SagaEffect {

    /**
     * Send {@code command} to {@code topic} through the outbox.
     *
     * @param requestId the message id to give the command; its reply names it in {@code inReplyTo}
     * @param idempotencyKey saga id, step and action; the same on every attempt of this request
     * @param attempt the attempt number, from 1
     * @param deadline when the reply times out
     */
    record SendCommand(
            int step,
            String stepName,
            Direction direction,
            Record command,
            String topic,
            String idempotencyKey,
            UUID requestId,
            int attempt,
            Instant deadline)
            implements SagaEffect {}

    /** Do a local step, or its compensation, in this transaction. */
    record RunLocal(int step, String stepName, Direction direction) implements SagaEffect {}

    /**
     * The pivot step succeeded: the saga can no longer be undone and only moves forward. The
     * outcome its owner promised can be confirmed now, before the retriable steps finish.
     */
    record PivotPassed(int step, String stepName) implements SagaEffect {}

    /** The current request failed with {@code reason}; attempt {@code attempt} is due {@code at}. */
    record RetryScheduled(int step, Direction direction, int attempt, Instant at, String reason)
            implements SagaEffect {}

    /**
     * A member of the parallel group that starts at {@code group} failed or is in doubt: no further
     * command goes forward, and compensation begins once the members still awaited have answered
     * or timed out.
     *
     * @param awaited the steps whose replies are still awaited
     */
    record CompensationPending(int group, String reason, List<Integer> awaited) implements SagaEffect {

        public CompensationPending {
            awaited = List.copyOf(awaited);
        }
    }

    /**
     * Step {@code step}, a member of a parallel group, has its outcome: it {@link
     * GroupMember.Phase#SUCCEEDED succeeded}, {@link GroupMember.Phase#FAILED failed} (and is not
     * undone), or is {@link GroupMember.Phase#IN_DOUBT in doubt} (timed out, no longer awaited, and
     * undone if the group fails).
     */
    record MemberSettled(
            int step,
            String stepName,
            GroupMember.Phase outcome,
            @Nullable String detail) implements SagaEffect {}

    /** Compensation begins with step {@code fromStep}. */
    record CompensationStarted(int fromStep, String reason) implements SagaEffect {}

    /** Every step succeeded. */
    record Completed() implements SagaEffect {}

    /** Every compensation succeeded; {@code reason} says why the saga was undone. */
    record Compensated(String reason) implements SagaEffect {}

    /** The compensation of step {@code step} exhausted its retries; an operator must act. */
    record CompensationFailed(int step, String reason) implements SagaEffect {}

    /** Step {@code step}, after the pivot, failed for good; an operator must act. */
    record CompletionFailed(int step, String reason) implements SagaEffect {}

    /** An operator resolved a failed compensation or completion. */
    record Resolved(String reason) implements SagaEffect {}

    /** The event changed nothing: a late, duplicate or unknown reply, or a deadline not yet due. */
    record Ignored(String reason) implements SagaEffect {}

    /** An operator's request is refused in this state (the admin API answers 409). */
    record Rejected(String reason) implements SagaEffect {}
}
