package io.sagaline.payment.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HoldTest {

    private static final Instant EXPIRY = Instant.parse("2026-01-01T12:00:00Z");

    @Test
    void anActiveHoldReadsAsExpiredFromItsExpiryOn() {
        Hold hold = hold(Hold.Status.ACTIVE);

        assertThat(hold.statusAt(EXPIRY.minusNanos(1000))).isEqualTo(Hold.Status.ACTIVE);
        assertThat(hold.statusAt(EXPIRY)).isEqualTo(Hold.Status.EXPIRED);
    }

    @Test
    void aCapturedHoldStaysCapturedPastItsExpiry() {
        assertThat(hold(Hold.Status.CAPTURED).statusAt(EXPIRY.plusSeconds(1))).isEqualTo(Hold.Status.CAPTURED);
    }

    private static Hold hold(Hold.Status status) {
        return new Hold(UUID.randomUUID(), UUID.randomUUID(), "alice", 100, "EUR", status, EXPIRY);
    }
}
