package io.sagaline.messaging.internal;

import io.sagaline.messaging.MessagingProperties.InboxSettings;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Deletes inbox and command-log entries older than the retention, in short batches, on a fixed schedule. */
public final class InboxPurger implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InboxPurger.class);

    // The inbox and the command log share one retention: a repeat older than it is not recognized.
    private static final String PURGE_INBOX_BATCH = """
            DELETE FROM inbox WHERE ctid IN (
                SELECT ctid FROM inbox WHERE processed_at < :cutoff LIMIT :batch)
            """;
    private static final String PURGE_COMMAND_LOG_BATCH = """
            DELETE FROM command_log WHERE ctid IN (
                SELECT ctid FROM command_log WHERE handled_at < :cutoff LIMIT :batch)
            """;

    private final JdbcClient jdbc;
    private final InboxSettings settings;
    private final Clock clock;
    private @Nullable ScheduledExecutorService scheduler;

    public InboxPurger(JdbcClient jdbc, InboxSettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock;
    }

    /** Deletes every inbox and command-log entry older than the retention. Returns how many. */
    public int purge() {
        Timestamp cutoff = Timestamp.from(Instant.now(clock).minus(settings.retention()));
        return purge(PURGE_INBOX_BATCH, cutoff) + purge(PURGE_COMMAND_LOG_BATCH, cutoff);
    }

    private int purge(String batchStatement, Timestamp cutoff) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.sql(batchStatement)
                    .param("cutoff", cutoff)
                    .param("batch", settings.purgeBatchSize())
                    .update();
            total += deleted;
        } while (deleted == settings.purgeBatchSize());
        return total;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("inbox-purger").daemon(true).factory());
        long interval = settings.purgeInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::purgeLogged, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void purgeLogged() {
        try {
            int deleted = purge();
            if (deleted > 0) {
                log.info("Purged {} inbox entries older than {}", deleted, settings.retention());
            }
        } catch (RuntimeException e) {
            log.warn("Inbox purge failed; next attempt in {}", settings.purgeInterval(), e);
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
