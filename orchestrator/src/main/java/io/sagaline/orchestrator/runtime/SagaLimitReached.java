package io.sagaline.orchestrator.runtime;

import java.time.Duration;

/**
 * As many sagas as the orchestrator admits are under way; nothing was started. The caller tries
 * again after {@link #retryAfter()}: by then sagas have ended and made room.
 */
public final class SagaLimitReached extends RuntimeException {

    private final Duration retryAfter;

    SagaLimitReached(long underWay, int limit, Duration retryAfter) {
        super(underWay + " sagas are under way, the most this orchestrator admits is " + limit);
        this.retryAfter = retryAfter;
    }

    /** When trying again is likely to be admitted. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
