package io.sagaline.loadgen;

import java.net.ConnectException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two-phase-commit baseline: orders go to a coordinator's {@code POST /api/orders}, which
 * answers once the global transaction committed or rolled back, so the answer is the order's end.
 * With several coordinators the orders go round-robin, and an order a coordinator refuses to
 * connect for goes to the next, as a load balancer would send it.
 */
final class TwoPhaseTarget implements Target {

    private final Http http;
    private final List<URI> coordinators;
    private final AtomicInteger next = new AtomicInteger();

    TwoPhaseTarget(Http http, Options options) {
        this(
                http,
                Arrays.stream(options.text("coordinatorUrls", "http://127.0.0.1:8090")
                                .split(","))
                        .map(url -> URI.create(url.trim()))
                        .toList());
    }

    TwoPhaseTarget(Http http, List<URI> coordinators) {
        this.http = http;
        this.coordinators =
                coordinators.stream().map(url -> url.resolve("/api/orders")).toList();
    }

    @Override
    public String name() {
        return "2pc";
    }

    @Override
    public Workload.Endpoints seeding() {
        return Workload.Endpoints.of(coordinators.getFirst());
    }

    @Override
    public List<String> databases() {
        return List.of("twopc_orders", "twopc_payment", "twopc_inventory", "twopc_shipment", "twopc_log");
    }

    @Override
    public CompletableFuture<Outcome> place(Workload.Order order) {
        int first = Math.floorMod(next.getAndIncrement(), coordinators.size());
        return attempt(order, first, coordinators.size());
    }

    private CompletableFuture<Outcome> attempt(Workload.Order order, int index, int triesLeft) {
        return http.post(coordinators.get(index), order.body(), Map.of("Idempotency-Key", order.key()))
                .thenApply(TwoPhaseTarget::outcome)
                .exceptionallyCompose(error -> {
                    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                    if (cause instanceof ConnectException && triesLeft > 1) {
                        return attempt(order, (index + 1) % coordinators.size(), triesLeft - 1);
                    }
                    return CompletableFuture.completedFuture(Outcome.error(SagaTarget.describe(error)));
                });
    }

    private static Outcome outcome(Http.Answer answer) {
        long ended = Outcome.nowMicros();
        if (answer.status() != 200) {
            return new Outcome(Outcome.Kind.ERROR, ended, "HTTP " + answer.status());
        }
        var json = answer.json();
        return switch (json.get("status").asString()) {
            case "APPROVED" -> new Outcome(Outcome.Kind.COMPLETED, ended, "APPROVED");
            case "REJECTED" ->
                new Outcome(
                        Outcome.Kind.COMPENSATED,
                        ended,
                        "REJECTED: " + json.path("reason").asString(""));
            default -> new Outcome(Outcome.Kind.ERROR, ended, "unexpected answer " + answer.body());
        };
    }

    @Override
    public void close() {
        // the coordinators' lives are not the generator's
    }
}
