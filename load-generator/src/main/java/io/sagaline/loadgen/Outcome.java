package io.sagaline.loadgen;

import java.time.Instant;

/**
 * How an order ended, and when, in microseconds since the epoch (the clock both the generator and
 * the system under test read: they share the machine).
 */
record Outcome(Kind kind, long endMicros, String detail) {

    enum Kind {
        /** The order went through: the saga COMPLETED, or the global transaction committed. */
        COMPLETED,
        /** The order was refused and everything undone: the saga COMPENSATED, or the transaction rolled back. */
        COMPENSATED,
        /** The order ended in a state that needs an operator (COMPENSATION_FAILED, COMPLETION_FAILED, RESOLVED). */
        FAILED,
        /** The request itself failed: an error answer, or no answer. */
        ERROR,
        /** The system refused to take the order now (HTTP 429): shed load, not an error. */
        REFUSED
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    static Outcome refused(String detail) {
        return new Outcome(Kind.REFUSED, nowMicros(), detail);
    }

    static Outcome error(String detail) {
        return new Outcome(Kind.ERROR, nowMicros(), detail);
    }
}
