package io.sagaline.relay.internal;

import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.sagaline.relay.RelayProperties;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database's Debezium engine, kept running: when the engine fails it is restarted after a
 * backoff that doubles up to a limit, and resumes from its last stored position. A failure of one
 * engine never stops the others.
 */
final class RelayEngine {

    private static final Logger log = LoggerFactory.getLogger(RelayEngine.class);

    private final String database;
    private final RelayProperties properties;
    private final Producer<String, String> producer;
    private final EngineStatus status;
    private final ScheduledExecutorService restarts;
    private final Clock clock;

    private @Nullable DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
    private Duration backoff;
    private Instant startedAt;
    private boolean stopping;

    RelayEngine(
            String database,
            RelayProperties properties,
            Producer<String, String> producer,
            EngineStatus status,
            ScheduledExecutorService restarts,
            Clock clock) {
        this.database = database;
        this.properties = properties;
        this.producer = producer;
        this.status = status;
        this.restarts = restarts;
        this.clock = clock;
        this.backoff = properties.restartBackoff();
        this.startedAt = clock.instant();
    }

    String database() {
        return database;
    }

    EngineStatus status() {
        return status;
    }

    synchronized void start() {
        if (stopping) {
            return;
        }
        if (!schemaReady()) {
            restarts.schedule(this::start, properties.restartBackoff().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        status.starting();
        startedAt = clock.instant();
        DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> created = DebeziumEngine.create(Connect.class)
                .using(OutboxConnectorConfig.engine(properties, database))
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        status.running();
                        log.info("Relaying outbox of database {}", database);
                    }
                })
                .using(this::completed)
                .notifying(new KafkaForwarder(producer, status, clock))
                .build();
        engine = created;
        Thread.ofPlatform().name("relay-" + database).daemon(true).start(created);
    }

    /**
     * Each service creates its outbox with its own migrations and may start after the relay. The
     * engine reads all of a database's outboxes through one slot, so until every one exists it waits
     * quietly instead of failing and restarting.
     */
    private boolean schemaReady() {
        try {
            List<String> missing = SourceDatabase.missingTables(properties, database);
            if (missing.isEmpty()) {
                return true;
            }
            status.waitingForSchema("tables " + String.join(", ", missing) + " do not exist yet;"
                    + " each service creates its own with its messaging migration");
        } catch (SQLException e) {
            status.waitingForSchema("database unreachable: " + e.getMessage());
        }
        return false;
    }

    private synchronized void completed(boolean success, String message, @Nullable Throwable error) {
        engine = null;
        if (stopping) {
            status.stopped();
            return;
        }
        // An engine that ran longer than the longest backoff was healthy; start the backoff over.
        if (Duration.between(startedAt, clock.instant()).compareTo(properties.maxRestartBackoff()) > 0) {
            backoff = properties.restartBackoff();
        }
        String reason = error == null ? message : message + ": " + rootMessage(error);
        status.failed(reason);
        log.warn("Relay engine of database {} stopped ({}); restarting in {}", database, reason, backoff, error);
        restarts.schedule(this::start, backoff.toMillis(), TimeUnit.MILLISECONDS);
        backoff = min(backoff.multipliedBy(2), properties.maxRestartBackoff());
    }

    void stop() {
        DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> running;
        synchronized (this) {
            stopping = true;
            running = engine;
        }
        if (running == null) {
            status.stopped();
            return;
        }
        try {
            running.close();
        } catch (IOException e) {
            log.warn("Relay engine of database {} did not stop cleanly", database, e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
