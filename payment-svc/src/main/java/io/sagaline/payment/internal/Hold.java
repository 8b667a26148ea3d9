package io.sagaline.payment.internal;

import java.time.Instant;
import java.util.UUID;

record Hold(
        UUID authorizationId,
        UUID orderId,
        String customerId,
        long amount,
        String currency,
        Status status,
        Instant expiresAt) {

    enum Status {
        ACTIVE,
        CAPTURED,
        VOIDED,
        EXPIRED
    }

    /** ACTIVE past its expiry reads as EXPIRED, whether or not the sweep has marked it yet. */
    Status statusAt(Instant now) {
        return status == Status.ACTIVE && !expiresAt.isAfter(now) ? Status.EXPIRED : status;
    }
}
