package io.sagaline.loadgen;

import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The saga system: orders go to the orchestrator's {@code POST /api/orders}, which answers 202 at
 * once; the order's end is its saga's terminal state, read by a {@link SagaWatcher}.
 */
final class SagaTarget implements Target {

    private final Http http;
    private final URI orders;
    private final Workload.Endpoints seeding;
    private final SagaWatcher watcher;
    private final Postgres postgres;
    private final String database;
    private final String orchestratorSchema;

    SagaTarget(Http http, Options options, Postgres postgres) {
        this.http = http;
        this.orders = URI.create(options.text("orchestratorUrl", "http://127.0.0.1:8080"))
                .resolve("/api/orders");
        this.seeding = new Workload.Endpoints(
                URI.create(options.text("paymentUrl", "http://127.0.0.1:8081")),
                URI.create(options.text("inventoryUrl", "http://127.0.0.1:8082")),
                URI.create(options.text("shipmentUrl", "http://127.0.0.1:8083")));
        this.postgres = postgres;
        // The local run's layout: one database, a schema per service (ADR 20).
        this.database = options.text("database", "sagaline");
        this.orchestratorSchema = options.text("orchestratorSchema", "orchestrator");
        this.watcher = new SagaWatcher(postgres, database, orchestratorSchema);
    }

    @Override
    public String name() {
        return "saga";
    }

    @Override
    public Workload.Endpoints seeding() {
        return seeding;
    }

    @Override
    public List<String> databases() {
        return List.of(database);
    }

    @Override
    public void awaitIdle(Progress progress) {
        long until = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        long active;
        while ((active = activeSagas()) > 0) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException(active + " sagas are still under way after 10 minutes");
            }
            progress.say("waiting for %d sagas of an earlier run to end ...", active);
            LockSupport.parkNanos(5_000_000_000L);
        }
    }

    private long activeSagas() {
        try (var connection = postgres.connect(database, orchestratorSchema);
                var rows = connection.createStatement().executeQuery("""
                        SELECT count(*) FROM saga_instance
                        WHERE status NOT IN ('COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED', 'COMPLETION_FAILED', 'RESOLVED')
                        """)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("counting the sagas under way failed: " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Outcome> place(Workload.Order order) {
        return http.post(orders, order.body(), Map.of("Idempotency-Key", order.key()))
                .thenCompose(answer -> switch (answer.status()) {
                    case 202 ->
                        watcher.await(
                                UUID.fromString(answer.json().get("sagaId").asString()));
                    case 429 -> CompletableFuture.completedFuture(Outcome.refused("HTTP 429"));
                    default -> CompletableFuture.completedFuture(Outcome.error("HTTP " + answer.status()));
                })
                .exceptionally(error -> Outcome.error(describe(error)));
    }

    static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getClass().getSimpleName();
    }

    @Override
    public void close() {
        watcher.close();
    }
}
