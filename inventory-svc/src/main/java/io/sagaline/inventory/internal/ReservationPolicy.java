package io.sagaline.inventory.internal;

import java.time.Duration;

/**
 * How long a reservation holds its units. The TTL must outlast the longest saga: a reservation
 * that expired while its saga still ran would let the saga allocate units already sold to
 * someone else.
 */
record ReservationPolicy(Duration ttl) {

    static ReservationPolicy of(Duration ttl, Duration sagaMaxDuration) {
        if (sagaMaxDuration.isNegative() || sagaMaxDuration.isZero()) {
            throw new IllegalStateException("sagaline.saga.max-duration must be positive, got " + sagaMaxDuration);
        }
        if (ttl.compareTo(sagaMaxDuration) <= 0) {
            throw new IllegalStateException("sagaline.inventory.reservation-ttl (" + ttl
                    + ") must be longer than sagaline.saga.max-duration (" + sagaMaxDuration
                    + "): a reservation must not expire while its saga can still allocate it");
        }
        return new ReservationPolicy(ttl);
    }
}
