package io.sagaline.orchestrator.saga;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final RandomGenerator NO_JITTER = () -> 0L;

    private final RetryPolicy policy = RetryPolicy.exponential(5, ofMillis(200), ofSeconds(1));

    @Test
    void backoffDoublesUpToItsCap() {
        assertThat(IntStream.rangeClosed(1, 6).mapToObj(attempt -> policy.backoff(attempt, NO_JITTER)))
                .containsExactly(ofMillis(200), ofMillis(400), ofMillis(800), ofSeconds(1), ofSeconds(1), ofSeconds(1));
    }

    @Test
    void aHugeAttemptNumberStaysAtTheCap() {
        assertThat(RetryPolicy.forever(ofSeconds(1), Duration.ofMinutes(5)).backoff(Integer.MAX_VALUE, NO_JITTER))
                .isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void jitterShortensADelayByAtMostItsShareAndRepeatsForTheSameSeed() {
        var random = new SplittableRandom(42);
        var again = new SplittableRandom(42);

        for (int attempt = 1; attempt <= 100; attempt++) {
            Duration delay = policy.backoff(attempt, random);
            Duration full = policy.backoff(attempt, NO_JITTER);
            assertThat(delay).isBetween(Duration.ofNanos(Math.round(full.toNanos() * 0.8)), full);
            assertThat(policy.backoff(attempt, again)).isEqualTo(delay);
        }
    }

    @Test
    void theBudgetCountsTheFirstAttempt() {
        assertThat(policy.allowsAttemptAfter(4)).isTrue();
        assertThat(policy.allowsAttemptAfter(5)).isFalse();
        assertThat(RetryPolicy.forever(ofSeconds(1), ofSeconds(2)).allowsAttemptAfter(Integer.MAX_VALUE))
                .isTrue();
    }

    @Test
    void refusesPoliciesThatCannotWork() {
        assertThatThrownBy(() -> RetryPolicy.exponential(0, ofMillis(1), ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.exponential(3, ofSeconds(2), ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.exponential(3, Duration.ZERO, ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy.withJitter(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
