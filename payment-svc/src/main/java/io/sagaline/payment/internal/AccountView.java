package io.sagaline.payment.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An account as the REST API shows it; amounts in minor units of {@code currency}. */
record AccountView(
        String customerId,
        String currency,
        long creditLimit,
        long held,
        long charged,
        long available,
        Account.Status status,
        List<HoldView> holds) {

    record HoldView(UUID orderId, UUID authorizationId, long amount, Hold.Status status, Instant expiresAt) {}
}
