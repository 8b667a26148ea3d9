package io.sagaline.payment.internal;

import io.sagaline.messaging.SagaProperties;
import java.time.Duration;
import java.time.Instant;

/** How long a hold lasts, checked against the saga's maximum duration when the service starts. */
record HoldPolicy(Duration ttl) {

    /**
     * A hold that could expire while its saga still runs would make the pivot (capture) fail for
     * an order the saga is still entitled to complete, so the start fails instead.
     */
    static HoldPolicy of(PaymentProperties payment, SagaProperties saga) {
        Duration ttl = payment.holdTtl();
        if (ttl.compareTo(saga.maxDuration()) <= 0) {
            throw new IllegalStateException("sagaline.payment.hold-ttl (" + ttl
                    + ") must be longer than sagaline.saga.max-duration (" + saga.maxDuration()
                    + "): a hold that expires before its saga ends would fail the capture of an order the saga"
                    + " may still complete");
        }
        return new HoldPolicy(ttl);
    }

    Instant expiryFrom(Instant now) {
        return now.plus(ttl);
    }
}
