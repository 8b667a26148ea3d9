package io.sagaline.relay.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** What one engine is doing, for health and metrics. Written by the engine's threads, read by any. */
final class EngineStatus {

    enum State {
        WAITING_FOR_SCHEMA,
        STARTING,
        RUNNING,
        BACKING_OFF,
        STOPPED
    }

    /** A consistent view of one engine at one moment. */
    record Snapshot(
            String database,
            State state,
            long published,
            @Nullable Long lastLagMillis,
            @Nullable Instant lastPublishedAt,
            int restarts,
            @Nullable String lastError) {}

    private final String database;
    private final Counter publishedCounter;
    private final Timer lag;

    private State state = State.STOPPED;
    private long published;
    private @Nullable Long lastLagMillis;
    private @Nullable Instant lastPublishedAt;
    private int restarts;
    private @Nullable String lastError;

    EngineStatus(String database, MeterRegistry meters) {
        this.database = database;
        this.publishedCounter = Counter.builder("sagaline.relay.published")
                .description("Outbox messages published to Kafka")
                .tag("database", database)
                .register(meters);
        this.lag = Timer.builder("sagaline.relay.lag")
                .description("From the outbox commit to Kafka's acknowledgement of its message")
                .tag("database", database)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(meters);
        Gauge.builder("sagaline.relay.engine.running", this, s -> s.snapshot().state() == State.RUNNING ? 1 : 0)
                .description("1 while the engine streams, 0 while it starts, backs off or is stopped")
                .tag("database", database)
                .register(meters);
    }

    synchronized void starting() {
        state = State.STARTING;
    }

    synchronized void waitingForSchema(String reason) {
        state = State.WAITING_FOR_SCHEMA;
        lastError = reason;
    }

    synchronized void running() {
        state = State.RUNNING;
        lastError = null;
    }

    synchronized void failed(String error) {
        state = State.BACKING_OFF;
        lastError = error;
        restarts++;
    }

    synchronized void stopped() {
        state = State.STOPPED;
    }

    /**
     * Records a published batch.
     *
     * @param oldestCommitMillis commit time of the batch's oldest message, null for a batch with no
     *     message
     */
    void published(int count, @Nullable Long oldestCommitMillis, long ackedAtMillis) {
        if (count == 0) {
            return;
        }
        publishedCounter.increment(count);
        Long lagMillis = oldestCommitMillis == null ? null : Math.max(0, ackedAtMillis - oldestCommitMillis);
        if (lagMillis != null) {
            lag.record(lagMillis, TimeUnit.MILLISECONDS);
        }
        synchronized (this) {
            published += count;
            lastLagMillis = lagMillis;
            lastPublishedAt = Instant.ofEpochMilli(ackedAtMillis);
        }
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(database, state, published, lastLagMillis, lastPublishedAt, restarts, lastError);
    }
}
