package io.sagaline.loadgen;

import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one phase measured: latencies in microseconds from each order's due time to its terminal
 * state, outcomes of the orders due in the window, and terminal states reached per second inside it.
 */
record PhaseResult(
        String target,
        String label,
        int offeredRate,
        Duration window,
        Histogram latencyMicros,
        Map<Outcome.Kind, Long> outcomes,
        int unfinished,
        Map<String, Long> errors,
        double endedPerSecond) {

    double percentileMillis(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1_000.0;
    }

    double maxMillis() {
        return latencyMicros.getMaxValue() / 1_000.0;
    }

    long count(Outcome.Kind kind) {
        return outcomes.getOrDefault(kind, 0L);
    }

    long errorCount() {
        return count(Outcome.Kind.ERROR) + unfinished;
    }

    /** The system kept up: it ended at least 95% of the offered rate, lost nothing, and left nothing unfinished. */
    boolean keptUp() {
        return endedPerSecond >= 0.95 * offeredRate && errorCount() == 0;
    }

    /**
     * Sustained: the system kept up (ended at least 95% of the offered rate inside the window), lost
     * nothing, finished every order in time, and kept p99 under the bound.
     */
    boolean sustained(Duration p99Bound) {
        return endedPerSecond >= 0.95 * offeredRate && errorCount() == 0 && percentileMillis(99) <= p99Bound.toMillis();
    }
}
