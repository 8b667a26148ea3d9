package io.sagaline.orchestrator.runtime;

import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Fires passed deadlines: a reply that timed out, or a retry whose backoff is over. Each saga is
 * claimed with {@code FOR UPDATE SKIP LOCKED}, so any number of orchestrator instances scan at
 * once without firing one deadline twice.
 *
 * <p>A reply timeout fires only once every reply that had reached Kafka when it came due has been
 * read ({@link RepliesRead}): after an outage of every orchestrator, or behind a backlog, the
 * replies waiting unread are applied first, and a step that succeeded is not undone as in doubt.
 */
@Component
class DeadlineScanner {

    private static final Logger log = LoggerFactory.getLogger(DeadlineScanner.class);

    /** Sagas fired per transaction: fewer commits when many fall due together, short row locks still. */
    private static final int CHUNK = 50;

    private final Sagas sagas;
    private final RepliesRead repliesRead;
    private final int batch;

    DeadlineScanner(Sagas sagas, RepliesRead repliesRead, OrchestratorProperties properties) {
        this.sagas = sagas;
        this.repliesRead = repliesRead;
        this.batch = properties.deadlineScanBatch();
    }

    @Scheduled(fixedDelayString = "${sagaline.orchestrator.deadline-scan-interval:250ms}")
    void scan() {
        int fired = 0;
        try {
            Instant readUpTo = repliesRead.known();
            // Kafka is asked only when a reply timeout is due that the last answer does not cover.
            if (sagas.timeoutDueAfter(readUpTo)) {
                readUpTo = repliesRead.refresh();
            }
            for (int chunk;
                    fired < batch && (chunk = sagas.fireDeadlines(readUpTo, Math.min(CHUNK, batch - fired))) > 0; ) {
                fired += chunk;
            }
        } catch (RuntimeException e) {
            // The database is away; the next scan tries again.
            log.warn("Deadline scan stopped after {} sagas: {}", fired, e.toString());
        }
        if (fired > 0) {
            log.debug("Fired {} deadlines", fired);
        }
    }
}
