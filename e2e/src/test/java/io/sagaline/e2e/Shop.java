package io.sagaline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.testing.ApiClient;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A client of the running system: places orders as a customer would and waits for their sagas. */
final class Shop {

    static final Set<String> FINAL =
            Set.of("COMPLETED", "COMPENSATED", "COMPENSATION_FAILED", "COMPLETION_FAILED", "RESOLVED");

    /** North and central are served by the demo carriers, south is not. */
    static final Map<String, String> NORTH = address("north");

    static final Map<String, String> SOUTH = address("south");

    /** An order as placed: what the invariant checker compares every service's state with. */
    record Placed(UUID orderId, UUID sagaId, String customerId, Map<String, Integer> quantities, long total) {}

    private final ApiClient api;

    Shop(Sagaline system) {
        this.api = system.orchestrator();
    }

    /** Places an order of {@code quantity} × {@code sku} at {@code unitPrice} minor units. */
    Placed place(String customer, String sku, int quantity, long unitPrice, Map<String, String> address) {
        String key = UUID.randomUUID().toString();
        Map<String, Object> order = orderBody(customer, sku, quantity, unitPrice, "EUR", address);
        ApiClient.Response placed = api.post("/api/orders", ApiClient.json(order), Map.of("Idempotency-Key", key));
        assertThat(placed.status()).as(placed.body()).isEqualTo(202);
        return new Placed(
                UUID.fromString(placed.json().get("orderId").asString()),
                UUID.fromString(placed.json().get("sagaId").asString()),
                customer,
                Map.of(sku, quantity),
                quantity * unitPrice);
    }

    /** Posts {@code body} to the orders endpoint as it is, as a client that gets it wrong would. */
    ApiClient.Response submit(String body) {
        return api.post(
                "/api/orders", body, Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    }

    /**
     * The body {@link #place} sends. Quantity and price are any JSON value, so that a test can
     * send one that is out of range or of the wrong type.
     */
    static Map<String, Object> orderBody(
            String customer,
            String sku,
            Object quantity,
            Object unitPrice,
            String currency,
            Map<String, String> address) {
        return Map.of(
                "customerId",
                customer,
                "lines",
                List.of(Map.of("sku", sku, "quantity", quantity, "unitPrice", unitPrice)),
                "currency",
                currency,
                "shippingAddress",
                address,
                "email",
                customer + "@example.com");
    }

    JsonNode saga(Placed order) {
        ApiClient.Response saga = api.get("/api/sagas/" + order.sagaId());
        assertThat(saga.status()).as(saga.body()).isEqualTo(200);
        return saga.json();
    }

    JsonNode order(Placed order) {
        ApiClient.Response found = api.get("/api/orders/" + order.orderId());
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        return found.json();
    }

    /** Waits until the order's saga is final; returns it. */
    JsonNode awaitFinal(Placed order, Duration timeout) {
        return await("saga " + order.sagaId() + " final")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> saga(order),
                        saga -> FINAL.contains(saga.get("status").asString()));
    }

    /** Waits until every order's saga is final. */
    void awaitAllFinal(Collection<Placed> orders, Duration timeout) {
        await(orders.size() + " sagas final")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> orders.stream()
                        .allMatch(order ->
                                FINAL.contains(saga(order).get("status").asString())));
    }

    /** The commands sent to compensate, in order, as the saga's timeline shows them. */
    static List<String> compensations(JsonNode saga) {
        return saga.get("timeline")
                .valueStream()
                .filter(entry -> "compensate".equals(text(entry, "direction")))
                .filter(entry -> "COMMAND_SENT".equals(text(entry, "entry")))
                .map(entry -> text(entry, "messageType"))
                .toList();
    }

    /** The saga's timeline entries of one kind, such as {@code DUPLICATE_DELIVERY}, in order. */
    static List<JsonNode> entries(JsonNode saga, String entry) {
        return saga.get("timeline")
                .valueStream()
                .filter(line -> entry.equals(text(line, "entry")))
                .toList();
    }

    /** The replies the orchestrator took for the saga, first deliveries only, in order. */
    static List<JsonNode> replies(JsonNode saga) {
        return saga.get("timeline")
                .valueStream()
                .filter(line -> !text(line, "inReplyTo").isEmpty())
                .filter(line -> !"DUPLICATE_DELIVERY".equals(text(line, "entry")))
                .toList();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asString();
    }

    private static Map<String, String> address(String region) {
        return Map.of(
                "country", "DE", "region", region, "city", "Hamburg", "line1", "Hafenstrasse 1", "postalCode", "20359");
    }
}
