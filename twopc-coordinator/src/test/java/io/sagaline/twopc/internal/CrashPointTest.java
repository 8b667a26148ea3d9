package io.sagaline.twopc.internal;

import static io.sagaline.twopc.internal.TwoPhaseCommitProperties.HaltPoint.AFTER_DECISION;
import static io.sagaline.twopc.internal.TwoPhaseCommitProperties.HaltPoint.AFTER_PREPARE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CrashPointTest {

    private final AtomicInteger halts = new AtomicInteger();

    @Test
    void haltsOnceWhenTheNthTransactionReachesItsPoint() {
        var crashPoint = new CrashPoint(AFTER_DECISION, 3, halts::incrementAndGet);

        for (int i = 0; i < 5; i++) {
            crashPoint.reached(AFTER_PREPARE, id());
            assertThat(halts).as("after %d transactions prepared", i + 1).hasValue(0);
        }
        crashPoint.reached(AFTER_DECISION, id());
        crashPoint.reached(AFTER_DECISION, id());
        assertThat(halts).hasValue(0);
        crashPoint.reached(AFTER_DECISION, id());
        assertThat(halts).hasValue(1);
        crashPoint.reached(AFTER_DECISION, id());
        assertThat(halts).hasValue(1);
    }

    @Test
    void neverHaltsWhenOff() {
        var crashPoint = new CrashPoint(AFTER_PREPARE, 0, halts::incrementAndGet);

        for (int i = 0; i < 10; i++) {
            crashPoint.reached(AFTER_PREPARE, id());
        }

        assertThat(halts).hasValue(0);
    }

    private static GlobalId id() {
        return GlobalId.of("c1", UUID.randomUUID());
    }
}
