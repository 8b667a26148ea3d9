package io.sagaline.twopc.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Startup recovery: before the coordinator serves, every branch it left prepared when it last
 * stopped is committed or rolled back by the decision log, and its open decisions are marked
 * completed. Thread-safe.
 */
final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final InDoubtResolver resolver;
    private final DecisionLog decisions;
    private final String coordinatorId;
    private final Clock clock;
    private volatile @Nullable RecoveryReport report;

    Recovery(InDoubtResolver resolver, DecisionLog decisions, String coordinatorId, Clock clock) {
        this.resolver = resolver;
        this.decisions = decisions;
        this.coordinatorId = coordinatorId;
        this.clock = clock;
    }

    /**
     * What the last recovery found and did; counts are branch transactions.
     *
     * @param inDoubtFound branches of this coordinator found prepared
     * @param committed those committed, their global transaction having a COMMIT decision
     * @param rolledBack those rolled back, their global transaction having none
     */
    record RecoveryReport(int inDoubtFound, int committed, int rolledBack, long durationMs, Instant finishedAt) {}

    /**
     * Runs recovery; nothing of this coordinator may be in flight.
     *
     * @throws IllegalStateException if a branch could not be resolved: the coordinator must not serve
     */
    RecoveryReport run() {
        long start = System.nanoTime();
        InDoubtResolver.Resolution resolution = resolver.resolve(globalId -> false);
        if (resolution.failed() > 0) {
            throw new IllegalStateException("recovery could not resolve " + resolution.failed() + " of "
                    + resolution.found() + " prepared branch transactions of coordinator " + coordinatorId
                    + "; see the warnings above");
        }
        // Every branch of every decided global transaction is committed now, including those whose
        // completion the last process had not written yet.
        decisions.flushCompleted();
        int completed = decisions.completeAll(coordinatorId);
        long durationMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        var finished = new RecoveryReport(
                resolution.found(), resolution.committed(), resolution.rolledBack(), durationMs, clock.instant());
        log.info(
                "Recovery of coordinator {}: {} in-doubt branch transactions found, {} committed, {} rolled back,"
                        + " {} decisions completed, in {} ms",
                coordinatorId,
                finished.inDoubtFound(),
                finished.committed(),
                finished.rolledBack(),
                completed,
                durationMs);
        report = finished;
        return finished;
    }

    /** The last recovery's report, or null before the first finished. */
    @Nullable
    RecoveryReport report() {
        return report;
    }
}
