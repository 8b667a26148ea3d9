package io.sagaline.inventory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ReservationPolicyTest {

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(InventoryConfiguration.class);

    @Test
    void acceptsATtlLongerThanTheSagaMaxDuration() {
        assertThat(ReservationPolicy.of(Duration.ofHours(1), Duration.ofMinutes(30))
                        .ttl())
                .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void refusesATtlThatDoesNotOutlastTheSaga() {
        assertThatThrownBy(() -> ReservationPolicy.of(Duration.ofMinutes(30), Duration.ofMinutes(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sagaline.inventory.reservation-ttl")
                .hasMessageContaining("sagaline.saga.max-duration");
    }

    @Test
    void defaultsToAnHourAgainstThirtyMinutes() {
        context.run(started -> {
            assertThat(started).hasNotFailed();
            assertThat(started.getBean(ReservationPolicy.class).ttl()).isEqualTo(Duration.ofHours(1));
        });
    }

    @Test
    void failsTheStartWhenTheTtlIsShorterThanTheSaga() {
        context.withPropertyValues("sagaline.inventory.reservation-ttl=20m", "sagaline.saga.max-duration=45m")
                .run(started -> assertThat(started.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining(
                                "reservation-ttl (PT20M) must be longer than sagaline.saga.max-duration (PT45M)"));
    }
}
