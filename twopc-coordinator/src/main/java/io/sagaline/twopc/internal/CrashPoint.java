package io.sagaline.twopc.internal;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's "coordinator killed between the phases": when the configured number of global
 * transactions has reached the configured point, the process halts at once, like {@code kill -9}:
 * no shutdown hooks, no rollback, every other global transaction left wherever it stands.
 * Thread-safe.
 */
final class CrashPoint {

    static final int EXIT_CODE = 137;
    private static final Logger log = LoggerFactory.getLogger(CrashPoint.class);

    private final TwoPhaseCommitProperties.HaltPoint point;
    private final int after;
    private final Runnable halt;
    private final AtomicInteger reached = new AtomicInteger();

    /**
     * @param after 0 for never, else halt when the {@code after}-th global transaction reaches {@code point}
     * @param halt what halting does; {@link #haltProcess()} outside tests
     */
    CrashPoint(TwoPhaseCommitProperties.HaltPoint point, int after, Runnable halt) {
        this.point = point;
        this.after = after;
        this.halt = halt;
    }

    static Runnable haltProcess() {
        return () -> Runtime.getRuntime().halt(EXIT_CODE);
    }

    /** Called by every global transaction at each point it passes. */
    void reached(TwoPhaseCommitProperties.HaltPoint where, GlobalId id) {
        if (after > 0 && where == point && reached.incrementAndGet() == after) {
            log.error(
                    "HALT at {}: global transaction {} is number {} to get here; halting with exit code {} as"
                            + " sagaline.twopc.halt-after-prepared asks",
                    where,
                    id,
                    after,
                    EXIT_CODE);
            halt.run();
        }
    }
}
