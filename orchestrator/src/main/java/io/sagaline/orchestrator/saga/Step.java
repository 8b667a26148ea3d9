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
 * @param failure the reply type meaning a business failure (not retried), if the step has one
 * @param retryableFailure the reply type meaning "failed, try again", if the step has one
 * @param compensation undoes the step; present exactly when the step is compensatable
 * @param timeout how long a sent command waits for its reply
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
        Objects.requireNonNull(retry, "retry");
        if (name.isBlank()) {
            throw new IllegalArgumentException("step " + index + " needs a name");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + ": timeout must be positive, got " + timeout);
        }
        if ((kind == StepKind.COMPENSATABLE) != (compensation != null)) {
            throw new IllegalArgumentException(
                    name + ": a compensatable step needs a compensation, a " + kind + " step has none");
        }
        if (kind != StepKind.COMPENSATABLE && !retry.isUnlimited()) {
            throw new IllegalArgumentException(
                    name + ": a " + kind + " step is retried until it succeeds; use RetryPolicy.forever");
        }
        if (kind == StepKind.RETRIABLE && failure != null) {
            throw new IllegalArgumentException(name + ": a retriable step cannot fail for good");
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
