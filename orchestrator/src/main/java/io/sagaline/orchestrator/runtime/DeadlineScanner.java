package io.sagaline.orchestrator.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Fires passed deadlines: a reply that timed out, or a retry whose backoff is over. Each saga is
 * claimed with {@code FOR UPDATE SKIP LOCKED}, so any number of orchestrator instances scan at
 * once without firing one deadline twice.
 */
@Component
class DeadlineScanner {

    private static final Logger log = LoggerFactory.getLogger(DeadlineScanner.class);

    private final Sagas sagas;
    private final int batch;

    DeadlineScanner(Sagas sagas, OrchestratorProperties properties) {
        this.sagas = sagas;
        this.batch = properties.deadlineScanBatch();
    }

    @Scheduled(fixedDelayString = "${sagaline.orchestrator.deadline-scan-interval:250ms}")
    void scan() {
        int fired = 0;
        try {
            while (fired < batch && sagas.fireNextDeadline()) {
                fired++;
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
