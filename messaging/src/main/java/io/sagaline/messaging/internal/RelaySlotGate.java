package io.sagaline.messaging.internal;

import io.sagaline.messaging.MessagingProperties.OutboxSettings;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Holds the service's start until the outbox relay's replication slot exists in its database and
 * the relay's publication covers the service's own outbox (in its current schema: {@code public}
 * in a database of its own, its schema in a database shared with other services).
 *
 * <p>The relay reads the outbox from the WAL through that slot, and a slot only decodes what is
 * committed after its consistent point: an outbox row committed earlier would never be published.
 * A slot is listed in {@code pg_replication_slots} as soon as its creation begins, and its
 * creation waits for every transaction open at that moment to end; only then is its {@code
 * confirmed_flush_lsn} set. So a service must not take work (listeners, web requests) before the
 * slot has a {@code confirmed_flush_lsn}. This runs in the earliest lifecycle phase, after the
 * migrations created the outbox, and before the listener containers and the web server start.
 */
public final class RelaySlotGate implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RelaySlotGate.class);

    private static final String READY = """
            SELECT EXISTS (SELECT 1 FROM pg_replication_slots
                           WHERE slot_name = :prefix || current_database() AND database = current_database()
                             AND confirmed_flush_lsn IS NOT NULL)
               AND EXISTS (SELECT 1 FROM pg_publication_tables
                           WHERE pubname = :publication AND schemaname = current_schema() AND tablename = 'outbox')
            """;

    private final JdbcClient jdbc;
    private final OutboxSettings settings;
    private volatile boolean running;

    public RelaySlotGate(JdbcClient jdbc, OutboxSettings settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    @Override
    public void start() {
        long started = System.nanoTime();
        long deadline = started + settings.relayWaitTimeout().toNanos();
        long nextLog = started;
        while (!ready()) {
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException("the outbox relay has not created its replication slot "
                        + settings.slotPrefix() + "<database> and publication " + settings.publication()
                        + " in " + settings.relayWaitTimeout() + "; start the relay (it creates them once the outbox"
                        + " of every service in this database exists: see its health for a missing one), or set sagaline.messaging.outbox.await-relay=false where nothing"
                        + " needs the outbox published");
            }
            if (now >= nextLog) {
                log.info(
                        "Waiting for the outbox relay's replication slot before taking work ({} s so far):"
                                + " outbox rows written before it exists would never be published",
                        Duration.ofNanos(now - started).toSeconds());
                nextLog = now + Duration.ofSeconds(5).toNanos();
            }
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
        running = true;
    }

    /** Whether the slot has reached its consistent point and the publication covers the outbox. */
    boolean ready() {
        return Boolean.TRUE.equals(jdbc.sql(READY)
                .param("prefix", settings.slotPrefix())
                .param("publication", settings.publication())
                .query(Boolean.class)
                .single());
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE;
    }
}
