package io.sagaline.loadgen;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The saga system: orders go to the orchestrator's {@code POST /api/orders}, which answers 202 at
 * once; the order's end is its saga's terminal state, read by a {@link SagaWatcher}.
 */
final class SagaTarget implements Target {

    private final Http http;
    private final URI orders;
    private final Workload.Endpoints seeding;
    private final SagaWatcher watcher;

    SagaTarget(Http http, Options options, Postgres postgres) {
        this.http = http;
        this.orders = URI.create(options.text("orchestratorUrl", "http://127.0.0.1:8080"))
                .resolve("/api/orders");
        this.seeding = new Workload.Endpoints(
                URI.create(options.text("paymentUrl", "http://127.0.0.1:8081")),
                URI.create(options.text("inventoryUrl", "http://127.0.0.1:8082")),
                URI.create(options.text("shipmentUrl", "http://127.0.0.1:8083")));
        this.watcher = new SagaWatcher(postgres, options.text("orchestratorDatabase", "orchestrator"));
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
        return List.of("orchestrator", "payment", "inventory", "shipment", "notification");
    }

    @Override
    public CompletableFuture<Outcome> place(Workload.Order order) {
        return http.post(orders, order.body(), Map.of("Idempotency-Key", order.key()))
                .thenCompose(answer -> answer.status() == 202
                        ? watcher.await(
                                UUID.fromString(answer.json().get("sagaId").asString()))
                        : CompletableFuture.completedFuture(Outcome.error("HTTP " + answer.status())))
                .exceptionally(error -> Outcome.error(describe(error)));
    }

    static String describe(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
        return cause.getClass().getSimpleName();
    }

    @Override
    public void close() {
        watcher.close();
    }
}
