package io.sagaline.payment.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class HoldPolicyTest {

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(PaymentConfiguration.class);

    @Test
    void holdsForTwoHoursByDefaultWhichOutlastsTheDefaultSaga() {
        context.run(started -> {
            assertThat(started).hasNotFailed();
            assertThat(started.getBean(HoldPolicy.class).ttl()).isEqualTo(Duration.ofHours(2));
        });
    }

    @Test
    void refusesToStartWhenHoldsExpireBeforeTheSagaCanEnd() {
        context.withPropertyValues("sagaline.payment.hold-ttl=20m", "sagaline.saga.max-duration=30m")
                .run(started -> assertThat(started)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("sagaline.payment.hold-ttl (PT20M) must be longer than"
                                + " sagaline.saga.max-duration (PT30M)"));
    }

    @Test
    void refusesAHoldAsLongAsTheSagaBecauseTheCaptureCouldArriveAtTheExpiry() {
        context.withPropertyValues("sagaline.payment.hold-ttl=45m", "sagaline.saga.max-duration=45m")
                .run(started -> assertThat(started).hasFailed());
    }

    @Test
    void startsWithALongerSagaWhenTheHoldIsLongerStill() {
        context.withPropertyValues("sagaline.payment.hold-ttl=3h", "sagaline.saga.max-duration=2h")
                .run(started ->
                        assertThat(started.getBean(HoldPolicy.class).ttl()).isEqualTo(Duration.ofHours(3)));
    }

    @Test
    void expiresAHoldOneTtlAfterItIsPlaced() {
        var policy = new HoldPolicy(Duration.ofHours(2));
        Instant now = Instant.parse("2026-01-01T10:00:00Z");

        assertThat(policy.expiryFrom(now)).isEqualTo(Instant.parse("2026-01-01T12:00:00Z"));
    }
}
