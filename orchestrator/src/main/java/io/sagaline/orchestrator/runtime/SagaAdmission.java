package io.sagaline.orchestrator.runtime;

import java.time.Duration;
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
 * admission-refresh} and adds the sagas it started since, so instances together overshoot the
 * bound by at most what the others start within one refresh. Thread-safe.
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
    private final AtomicLong counted = new AtomicLong();
    private final AtomicLong startedSinceCount = new AtomicLong();

    SagaAdmission(JdbcClient jdbc, OrchestratorProperties properties) {
        this.jdbc = jdbc;
        this.limit = properties.maxInFlight();
        this.retryAfter = properties.admissionRetryAfter();
        recount();
    }

    /**
     * Takes a place for one more saga.
     *
     * @throws SagaLimitReached if the bound is reached; no place was taken
     */
    void admit() {
        long underWay = counted.get() + startedSinceCount.get();
        if (underWay >= limit) {
            throw new SagaLimitReached(underWay, limit, retryAfter);
        }
        startedSinceCount.incrementAndGet();
    }

    /** Gives back a place taken by {@link #admit()} for a saga that was not started after all. */
    void release() {
        startedSinceCount.decrementAndGet();
    }

    @Scheduled(fixedDelayString = "${sagaline.orchestrator.admission-refresh:200ms}")
    void recount() {
        // Places taken before the count are in it, or are sagas that end up not started; places
        // taken while it runs stay counted on top of it until the next count, erring on the safe side.
        long taken = startedSinceCount.get();
        try {
            Long underWay = jdbc.sql(COUNT_UNDER_WAY).query(Long.class).single();
            counted.set(underWay);
            startedSinceCount.addAndGet(-taken);
        } catch (RuntimeException e) {
            // The database is away: starts fail anyway until it is back.
            log.debug("Counting the sagas under way failed: {}", e.toString());
        }
    }

    /** The sagas under way as last counted, with those started here since. */
    long underWay() {
        return counted.get() + startedSinceCount.get();
    }
}
