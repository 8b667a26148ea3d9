package io.sagaline.orchestrator.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sagaline.orchestrator.saga.Direction;
import io.sagaline.orchestrator.saga.SagaStatus;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The orchestrator's Prometheus metrics: sagas started and ended by outcome, end-to-end and
 * per-step latency histograms, and sagas in flight by status. Counts are taken after commit, so
 * a transaction retried after a version conflict counts once.
 */
@Component
class SagaMetrics {

    static final String STARTED = "sagaline.sagas.started";
    static final String COMPLETED = "sagaline.sagas.completed";
    static final String COMPENSATED = "sagaline.sagas.compensated";
    static final String FAILED = "sagaline.sagas.failed";
    static final String COMPLETION_FAILED = "sagaline.sagas.completion.failed";
    static final String RESOLVED = "sagaline.sagas.resolved";
    static final String DURATION = "sagaline.saga.duration";
    static final String STEP_LATENCY = "sagaline.saga.step.latency";
    static final String IN_FLIGHT = "sagaline.sagas.in.flight";

    private static final List<SagaStatus> UNFINISHED = List.of(
            SagaStatus.RUNNING, SagaStatus.COMPENSATING, SagaStatus.COMPENSATION_FAILED, SagaStatus.COMPLETION_FAILED);

    private static final String COUNT_UNFINISHED = """
            SELECT status, count(*) AS sagas FROM saga_instance
            WHERE status IN ('RUNNING', 'COMPENSATING', 'COMPENSATION_FAILED', 'COMPLETION_FAILED')
            GROUP BY status
            """;

    private final MeterRegistry registry;
    private final JdbcClient jdbc;
    private final Map<SagaStatus, AtomicLong> inFlight = new EnumMap<>(SagaStatus.class);

    SagaMetrics(MeterRegistry registry, JdbcClient jdbc) {
        this.registry = registry;
        this.jdbc = jdbc;
        for (SagaStatus status : UNFINISHED) {
            AtomicLong count = new AtomicLong();
            inFlight.put(status, count);
            Gauge.builder(IN_FLIGHT, count, AtomicLong::get)
                    .description("Sagas not yet final, by status")
                    .tag("status", status.name())
                    .register(registry);
        }
    }

    void started(String type) {
        counter(STARTED, "Sagas started", type).increment();
    }

    void finished(String type, SagaStatus status, Duration took) {
        String name = switch (status) {
            case COMPLETED -> COMPLETED;
            case COMPENSATED -> COMPENSATED;
            case RESOLVED -> RESOLVED;
            default -> throw new IllegalArgumentException(status + " is not final");
        };
        counter(name, "Sagas that ended " + status, type).increment();
        Timer.builder(DURATION)
                .description("From start to final status")
                .tags("type", type, "status", status.name())
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    void compensationFailed(String type) {
        counter(FAILED, "Sagas whose compensation exhausted its retries", type).increment();
    }

    void completionFailed(String type) {
        counter(COMPLETION_FAILED, "Sagas with a step after the pivot that failed for good", type)
                .increment();
    }

    void stepAnswered(String type, String step, Direction direction, String outcome, Duration latency) {
        Timer.builder(STEP_LATENCY)
                .description("From a command sent to its reply applied")
                .tags("type", type, "step", step, "direction", direction.action(), "outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(latency);
    }

    @Scheduled(
            fixedDelayString = "${sagaline.orchestrator.in-flight-refresh:10s}",
            initialDelayString = "${sagaline.orchestrator.in-flight-refresh:10s}")
    void refreshInFlight() {
        Map<SagaStatus, Long> counts = new EnumMap<>(SagaStatus.class);
        jdbc.sql(COUNT_UNFINISHED).query(rows -> {
            counts.put(SagaStatus.valueOf(rows.getString("status")), rows.getLong("sagas"));
        });
        inFlight.forEach((status, count) -> count.set(counts.getOrDefault(status, 0L)));
    }

    private Counter counter(String name, String description, String type) {
        return Counter.builder(name).description(description).tag("type", type).register(registry);
    }
}
