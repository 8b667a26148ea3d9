package io.sagaline.orchestrator.runtime;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Bounds the sagas under way, across every orchestrator instance sharing the database. Past the
 * bound a start is refused rather than queued inside the system: admitted sagas then keep their
 * latency, and the overload waits outside, as a client told to retry or as order requests left
 * unread on Kafka, instead of as replies that wait so long behind others that their steps time
 * out and are compensated.
 *
 * <p>Each instance counts the running and compensating sagas in the database every {@code
 * admission-refresh} and adds the starts it has under way and those that committed after the
 * count began, so instances together overshoot the bound by at most what the others start
 * within one refresh. Thread-safe.
 */
@Component
class SagaAdmission {

    private static final Logger log = LoggerFactory.getLogger(SagaAdmission.class);

    private static final String COUNT_UNDER_WAY = """
            SELECT count(*) FROM saga_instance WHERE status IN ('RUNNING', 'COMPENSATING')
            """;

    private final JdbcClient jdbc;
    private final int limit;
    private final Duration retryAfter;
    /** Running and compensating sagas in the database at the last count. */
    private final AtomicLong counted = new AtomicLong();
    /** Places taken whose start has not committed or rolled back yet. */
    private final AtomicLong starting = new AtomicLong();
    /** When each start admitted here committed, until a count that began later covers it. */
    private final Queue<Long> committedAt = new ConcurrentLinkedQueue<>();

    SagaAdmission(JdbcClient jdbc, OrchestratorProperties properties) {
        this.jdbc = jdbc;
        this.limit = properties.maxInFlight();
        this.retryAfter = properties.admissionRetryAfter();
        recount();
    }

    /**
     * Takes a place for one more saga; {@link #started} or {@link #notStarted} must follow.
     *
     * @throws SagaLimitReached if the bound is reached; no place was taken
     */
    void admit() {
        while (true) {
            long taken = starting.get();
            long underWay = counted.get() + committedAt.size() + taken;
            if (underWay >= limit) {
                throw new SagaLimitReached(underWay, limit, retryAfter);
            }
            if (starting.compareAndSet(taken, taken + 1)) {
                return;
            }
        }
    }

    /** The saga admitted by {@link #admit()} committed. */
    void started() {
        committedAt.add(System.nanoTime());
        starting.decrementAndGet();
    }

    /** The saga admitted by {@link #admit()} was not started after all. */
    void notStarted() {
        starting.decrementAndGet();
    }

    @Scheduled(fixedDelayString = "${sagaline.orchestrator.admission-refresh:200ms}")
    void recount() {
        long began = System.nanoTime();
        try {
            Long underWay = jdbc.sql(COUNT_UNDER_WAY).query(Long.class).single();
            counted.set(underWay);
            // Starts that committed before this count began are in it; later ones may not be, and
            // stay counted on top of it until the next count, erring on the side of refusing.
            committedAt.removeIf(at -> at - began < 0);
        } catch (RuntimeException e) {
            // The database is away: starts fail anyway until it is back.
            log.debug("Counting the sagas under way failed: {}", e.toString());
        }
    }
}
