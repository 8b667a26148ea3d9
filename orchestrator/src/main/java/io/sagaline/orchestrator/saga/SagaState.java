package io.sagaline.orchestrator.saga;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Where one saga instance stands. Immutable; every change makes a new state.
 *
 * <p>While a command is out, {@code awaitedRequest} names it and {@code deadline} is its timeout.
 * While a retry waits for its backoff, {@code awaitedRequest} is {@code null} and {@code deadline}
 * is when the retry is due. A final or failed saga has neither.
 *
 * @param step the current step's index; -1 once every compensation is done
 * @param direction running the steps or their compensations
 * @param status the lifecycle status
 * @param attempt the current request's attempt, from 1; 0 before the step's first command
 * @param awaitedRequest the message id of the command whose reply is awaited
 * @param deadline when the awaited reply times out, or when the pending retry is due
 * @param reason why the saga compensates, or how an operator resolved it
 * @param lastError the latest failure of the current request
 */
public record SagaState(
        int step,
        Direction direction,
        SagaStatus status,
        int attempt,
        @Nullable UUID awaitedRequest,
        @Nullable Instant deadline,
        @Nullable String reason,
        @Nullable String lastError) {

    public SagaState {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(status, "status");
        if (awaitedRequest != null && deadline == null) {
            throw new IllegalArgumentException("an awaited request needs a deadline");
        }
    }

    /** A saga not yet started: step 0, forward, {@link SagaStatus#NEW}. */
    public static SagaState initial() {
        return new SagaState(0, Direction.FORWARD, SagaStatus.NEW, 0, null, null, null, null);
    }

    public boolean awaits(UUID request) {
        return request.equals(awaitedRequest);
    }

    /** Whether the deadline, a timeout or a due retry, has come at {@code now}. */
    public boolean isDue(Instant now) {
        return status.isActive() && deadline != null && !now.isBefore(deadline);
    }

    SagaState started() {
        return new SagaState(0, Direction.FORWARD, SagaStatus.RUNNING, 0, null, null, null, null);
    }

    /** The state once attempt {@code number} of the current request is sent as {@code request}. */
    public SagaState sent(UUID request, int number, Instant timeoutAt) {
        return new SagaState(step, direction, status, number, request, timeoutAt, reason, lastError);
    }

    /** The state waiting until {@code due} to retry the current request, which failed with {@code error}. */
    public SagaState retryAt(Instant due, String error) {
        return new SagaState(step, direction, status, attempt, null, due, reason, error);
    }

    /** The next step in the current direction: one on going forward, one back when compensating. */
    public SagaState next() {
        int following = direction == Direction.FORWARD ? step + 1 : step - 1;
        return new SagaState(following, direction, status, 0, null, null, reason, null);
    }

    /** Compensation, starting with step {@code from} and going back to step 0. */
    public SagaState startCompensating(int from, String why) {
        return new SagaState(from, Direction.BACKWARD, SagaStatus.COMPENSATING, 0, null, null, why, lastError);
    }

    /** Back to compensating the failed step with a fresh budget, after an operator's retry. */
    public SagaState resumeCompensating() {
        return new SagaState(step, Direction.BACKWARD, SagaStatus.COMPENSATING, 0, null, null, reason, lastError);
    }

    /** Back to running the failed step with a fresh budget, after an operator's retry. */
    public SagaState resumeRunning() {
        return new SagaState(step, Direction.FORWARD, SagaStatus.RUNNING, 0, null, null, reason, lastError);
    }

    public SagaState completed() {
        return new SagaState(step, direction, SagaStatus.COMPLETED, attempt, null, null, reason, null);
    }

    public SagaState compensated() {
        return new SagaState(step, direction, SagaStatus.COMPENSATED, attempt, null, null, reason, null);
    }

    public SagaState compensationFailed(String error) {
        return new SagaState(step, direction, SagaStatus.COMPENSATION_FAILED, attempt, null, null, reason, error);
    }

    public SagaState completionFailed(String error) {
        return new SagaState(step, direction, SagaStatus.COMPLETION_FAILED, attempt, null, null, reason, error);
    }

    public SagaState resolved(String resolution) {
        return new SagaState(step, direction, SagaStatus.RESOLVED, attempt, null, null, resolution, lastError);
    }
}
