package io.sagaline.orchestrator.saga;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * One step of a saga, as built by {@link SagaDefinition.Builder}.
 *
 * @param index the step's position, from 0
 * @param name what the step does, for logs and operators
 * @param kind compensatable, pivot or retriable
 * @param action the step's command, or {@link Action.Local}
 * @param onSuccess folds the success reply into the saga's data; identity unless told otherwise
 * @param failure the reply type meaning a business failure (not retried), if the step has one;
 *     after the pivot, the saga then waits for an operator ({@link SagaStatus#COMPLETION_FAILED})
 * @param retryableFailure the reply type meaning "failed, try again", if the step has one
 * @param compensation undoes the step; present exactly when the step is compensatable
 * @param timeout how long a sent command waits for its reply
 * @param patience before the pivot, how long a step whose replies are late keeps sending its
 *     command again before it is in doubt and compensated; zero for no second attempt (see {@link
 *     #resendsAfterTimeout})
 * @param retry attempts and backoff of the step's command and of its compensation
 */
public record Step<D extends Record>(
        int index,
        String name,
        StepKind kind,
        Action<D> action,
        BiFunction<D, Record, D> onSuccess,
        @Nullable Class<? extends Record> failure,
        @Nullable Class<? extends Record> retryableFailure,
        @Nullable Action<D> compensation,
        Duration timeout,
        Duration patience,
        RetryPolicy retry) {

    /** What a reply to one of this step's requests means. */
    public enum Outcome {
        DONE,
        FAILED,
        RETRYABLE_FAILURE,
        UNEXPECTED
    }

    public Step {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(onSuccess, "onSuccess");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(patience, "patience");
        Objects.requireNonNull(retry, "retry");
        if (name.isBlank()) {
            throw new IllegalArgumentException("step " + index + " needs a name");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + ": timeout must be positive, got " + timeout);
        }
        if (patience.isNegative()) {
            throw new IllegalArgumentException(name + ": patience must not be negative, got " + patience);
        }
        if (kind != StepKind.COMPENSATABLE && !patience.isZero()) {
            throw new IllegalArgumentException(name + ": a " + kind
                    + " step is retried until it succeeds; patience is for steps before the pivot");
        }
        if (action instanceof Action.Local<D> && !patience.isZero()) {
            throw new IllegalArgumentException(name + ": a local step sends nothing to resend");
        }
        if ((kind == StepKind.COMPENSATABLE) != (compensation != null)) {
            throw new IllegalArgumentException(
                    name + ": a compensatable step needs a compensation, a " + kind + " step has none");
        }
        if (kind != StepKind.COMPENSATABLE && !retry.isUnlimited()) {
            throw new IllegalArgumentException(
                    name + ": a " + kind + " step is retried until it succeeds; use RetryPolicy.forever");
        }
        if (action instanceof Action.Local<D> && (failure != null || retryableFailure != null)) {
            throw new IllegalArgumentException(name + ": a local step has no replies");
        }
        if (action instanceof Action.Send<D> send && (send.done() == failure || send.done() == retryableFailure)) {
            throw new IllegalArgumentException(name + ": " + send.done().getSimpleName() + " cannot mean two things");
        }
        if (failure != null && failure == retryableFailure) {
            throw new IllegalArgumentException(name + ": " + failure.getSimpleName() + " cannot mean two things");
        }
    }

    /** Whether the step runs inside the orchestrator instead of at a participant. */
    public boolean isLocal() {
        return action instanceof Action.Local<D>;
    }

    /**
     * Whether attempt number {@code attempt} (1 for the first) of the step's command, having timed
     * out, is sent again instead of leaving the step in doubt: while the time the attempts so far
     * have waited, each its full timeout and the longest backoff between them, is shorter than the
     * patience. With a 30 s timeout, a 1 s backoff doubling, and 2 minutes of patience, attempts are
     * sent at about 0, 31, 63 and 97 s, and the fourth timing out at 127 s leaves the step in doubt.
     *
     * <p>Counted in attempts rather than by the clock, so an orchestrator that was down itself still
     * gives the participant every attempt.
     */
    public boolean resendsAfterTimeout(int attempt) {
        return waitedBy(attempt).compareTo(patience) < 0;
    }

    /**
     * The longest the step's command can wait for a reply before the step is done or in doubt,
     * every attempt timing out: for the hold and reservation time-to-live checks.
     */
    public Duration longestWait() {
        if (isLocal()) {
            return Duration.ZERO;
        }
        int attempt = 1;
        while (resendsAfterTimeout(attempt)) {
            attempt++;
        }
        return waitedBy(attempt);
    }

    /** How long attempts 1 to {@code attempt} have waited when the last of them times out. */
    private Duration waitedBy(int attempt) {
        Duration waited = timeout.multipliedBy(attempt);
        for (int earlier = 1; earlier < attempt; earlier++) {
            waited = waited.plus(retry.longestBackoff(earlier));
        }
        return waited;
    }

    /** The action run in {@code direction}: the step's own, or its compensation. */
    public Action<D> action(Direction direction) {
        return switch (direction) {
            case FORWARD -> action;
            case BACKWARD -> Objects.requireNonNull(compensation, () -> name + " (" + kind + ") has no compensation");
        };
    }

    /** What {@code reply} means for a request this step sent in {@code direction}. */
    public Outcome classify(Record reply, Direction direction) {
        if (action(direction) instanceof Action.Send<D> send && send.done().isInstance(reply)) {
            return Outcome.DONE;
        }
        if (direction == Direction.FORWARD && failure != null && failure.isInstance(reply)) {
            return Outcome.FAILED;
        }
        if (direction == Direction.FORWARD && retryableFailure != null && retryableFailure.isInstance(reply)) {
            return Outcome.RETRYABLE_FAILURE;
        }
        return Outcome.UNEXPECTED;
    }
}
