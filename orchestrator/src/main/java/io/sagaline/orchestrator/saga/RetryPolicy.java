package io.sagaline.orchestrator.saga;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often, and how far apart, one request of a step is tried: exponential backoff doubling from
 * {@code initialBackoff} up to {@code maxBackoff}, each delay shortened by a random share of at
 * most {@code jitter} so that sagas failing together do not retry together.
 *
 * @param maxAttempts attempts in all, the first one included; {@link Integer#MAX_VALUE} for no limit
 * @param initialBackoff the delay after the first attempt
 * @param maxBackoff the longest delay
 * @param jitter the largest share of a delay taken off at random, from 0 (none) to 1
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitter) {

    /** The share of a delay jitter may take off unless told otherwise. */
    public static final double DEFAULT_JITTER = 0.2;

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be positive, got " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than " + initialBackoff);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be within [0, 1], got " + jitter);
        }
    }

    /** At most {@code maxAttempts} attempts, backing off from {@code initial} to {@code max}. */
    public static RetryPolicy exponential(int maxAttempts, Duration initial, Duration max) {
        return new RetryPolicy(maxAttempts, initial, max, DEFAULT_JITTER);
    }

    /** Attempts until one succeeds, backing off from {@code initial} to {@code max}. */
    public static RetryPolicy forever(Duration initial, Duration max) {
        return new RetryPolicy(Integer.MAX_VALUE, initial, max, DEFAULT_JITTER);
    }

    public RetryPolicy withJitter(double share) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, share);
    }

    public boolean isUnlimited() {
        return maxAttempts == Integer.MAX_VALUE;
    }

    /** Whether another attempt may follow attempt number {@code attempt} (1 for the first). */
    public boolean allowsAttemptAfter(int attempt) {
        return isUnlimited() || attempt < maxAttempts;
    }

    /**
     * The delay between attempt number {@code attempt} (1 for the first) and the next one. Draws
     * one {@code double} from {@code random}; a seeded generator gives the same delays every time.
     */
    public Duration backoff(int attempt, RandomGenerator random) {
        double share = 1 - jitter * random.nextDouble();
        return Duration.ofNanos(Math.round(longestBackoff(attempt).toNanos() * share));
    }

    /** The delay after attempt number {@code attempt} before jitter: the longest it can be. */
    public Duration longestBackoff(int attempt) {
        Duration base = initialBackoff;
        for (int doubled = 1; doubled < attempt && base.compareTo(maxBackoff) < 0; doubled++) {
            base = base.multipliedBy(2);
        }
        return base.compareTo(maxBackoff) > 0 ? maxBackoff : base;
    }
}
