package io.sagaline.e2e;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.e2e.Shop.Placed;
import io.sagaline.messaging.MalformedMessageException;
import io.sagaline.messaging.MessageHeaders;
import io.sagaline.messaging.Topics;
import io.sagaline.testing.ApiClient;
import io.sagaline.testing.Records;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The system under faults: a participant down within and past its patience, every message delivered
 * twice, requests and messages that cannot be read, and many orders racing for few units. After
 * each test every saga is final and the invariant checker finds nothing wrong.
 */
class FaultsIT {

    private static final Duration SAGA_TIMEOUT = Duration.ofSeconds(90);
    /** The orchestrator's reply timeout of every participant step before the pivot. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    /**
     * When a step before the pivot whose participant never answers is in doubt: four attempts of
     * 30 s each, resent within the step's two minutes of patience.
     */
    private static final Duration PATIENCE_SPENT = Duration.ofSeconds(127);

    /** An SKU of its own for the race, so that no other test takes its units. */
    private static final String RACE_SKU = "RACE-1";

    private static final int RACE_UNITS = 50;
    private static final int RACE_ORDERS = 200;
    private static final List<String> COMMAND_TOPICS = List.of(
            Topics.PAYMENT_COMMANDS, Topics.INVENTORY_COMMANDS, Topics.SHIPMENT_COMMANDS, Topics.NOTIFICATION_COMMANDS);

    private static Sagaline system;
    private static Shop shop;
    private static Invariants invariants;
    private static final List<Placed> placed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        system = Sagaline.start("faults");
        shop = new Shop(system);
        ApiClient.Response stocked = system.api(Service.INVENTORY)
                .post(
                        "/api/skus/" + RACE_SKU + "/units",
                        ApiClient.json(Map.of(
                                "count", RACE_UNITS, "unitPrice", Map.of("amountMinor", 250, "currency", "EUR"))),
                        Map.of());
        assertThat(stocked.status()).as(stocked.body()).isEqualTo(201);
        // After the stocking, so that the checker counts the race's units as there from the start.
        invariants = Invariants.of(system);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @AfterEach
    void everyServiceAgreesWithEverySaga() {
        shop.awaitAllFinal(placed, SAGA_TIMEOUT);
        assertThat(invariants.violations(placed)).isEmpty();
    }

    @Test
    void approvesAnOrderWhoseParticipantRestartsWithinThePatience() {
        Placed order;
        system.stop(Service.INVENTORY);
        try {
            order = place(shop.place("alice", "BOOK-1", 1, 1999, Shop.NORTH));
            JsonNode waiting = await("reserve inventory timed out and is to be sent again")
                    .atMost(STEP_TIMEOUT.plus(SAGA_TIMEOUT))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> shop.saga(order),
                            saga -> !Shop.entries(saga, "RETRY_SCHEDULED").isEmpty());
            assertThat(waiting.get("status").asString()).isEqualTo("RUNNING");
        } finally {
            system.restart(Service.INVENTORY);
        }

        JsonNode saga = shop.awaitFinal(order, SAGA_TIMEOUT);

        assertThat(saga.get("status").asString()).as(saga.toString()).isEqualTo("COMPLETED");
        assertThat(shop.order(order).get("status").asString()).isEqualTo("APPROVED");
        assertThat(Shop.entries(saga, "TIMEOUT")).isNotEmpty();
        assertThat(Shop.compensations(saga)).isEmpty();
    }

    @Test
    void compensatesAStepWhoseParticipantIsDownPastItsPatience() {
        Placed order;
        system.stop(Service.INVENTORY);
        try {
            order = place(shop.place("alice", "BOOK-1", 2, 1999, Shop.NORTH));
            // No reply is not a no: the reservation may have happened, so it is released too.
            JsonNode compensating = await("reserve inventory timed out for good and its release sent")
                    .atMost(PATIENCE_SPENT.plus(SAGA_TIMEOUT))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> shop.saga(order),
                            saga -> Shop.compensations(saga).contains("ReleaseInventory"));
            assertThat(compensating.get("status").asString()).isEqualTo("COMPENSATING");
            assertThat(Shop.entries(compensating, "TIMEOUT"))
                    .as(compensating.toString())
                    .hasSize(4);
            assertThat(Shop.entries(compensating, "COMPENSATION_STARTED"))
                    .singleElement()
                    .satisfies(started ->
                            assertThat(started.get("detail").asString()).contains("reserve inventory timed out"));
            assertThat(shop.order(order).get("status").asString()).isEqualTo("PENDING");
        } finally {
            system.restart(Service.INVENTORY);
        }

        JsonNode saga = shop.awaitFinal(order, SAGA_TIMEOUT);

        assertThat(saga.get("status").asString()).isEqualTo("COMPENSATED");
        assertRejected(order, "reserve inventory timed out");
        // The release may be sent again if the service took longer than a timeout to come back.
        assertThat(Shop.compensations(saga).stream().distinct())
                .containsExactly("CancelShipment", "ReleaseInventory", "VoidAuthorization");
        // The stale reservation was carried out when the service came back, then released; its
        // reply came too late to count.
        assertThat(Shop.replies(saga))
                .extracting(entry -> entry.get("messageType").asString())
                .containsSubsequence("InventoryReserved", "InventoryReleased");
        assertThat(Shop.entries(saga, "IGNORED"))
                .extracting(entry -> entry.get("detail").asString())
                .anySatisfy(detail ->
                        assertThat(detail).startsWith("InventoryReserved").contains("not awaited"));
        JdbcClient inventory = JdbcClient.create(system.dataSource(Service.INVENTORY));
        assertThat(inventory
                        .sql("SELECT status FROM reservation WHERE order_id = :id")
                        .param("id", order.orderId())
                        .query(String.class)
                        .single())
                .isEqualTo("RELEASED");
        assertThat(inventory
                        .sql("SELECT count(*) FROM reservation_unit WHERE order_id = :id")
                        .param("id", order.orderId())
                        .query(Long.class)
                        .single())
                .isEqualTo(2L);
        // No unit reserved, stock conserved, no active hold: checked by the invariants.
    }

    @Test
    void reachesTheSameOutcomesWhenEveryCommandAndReplyIsDeliveredTwice() {
        List<String> topics =
                new ArrayList<>(COMMAND_TOPICS.stream().map(system::topic).toList());
        topics.add(system.topic(Topics.SAGA_REPLIES));
        Map<Placed, OrderKind> orders = new LinkedHashMap<>();
        try (var duplicator = Duplicator.start(system.kafka().bootstrapServers(), topics)) {
            for (int i = 0; i < 20; i++) {
                OrderKind kind = OrderKind.values()[i % OrderKind.values().length];
                orders.put(place(kind.place(shop)), kind);
            }

            shop.awaitAllFinal(orders.keySet(), SAGA_TIMEOUT);

            orders.forEach((order, kind) -> {
                assertThat(shop.saga(order).get("status").asString())
                        .as("saga of %s order %s", kind, order.orderId())
                        .isEqualTo(kind.sagaStatus());
                JsonNode found = shop.order(order);
                assertThat(found.get("status").asString()).isEqualTo(kind.orderStatus());
                String reason = kind.reason();
                if (reason != null) {
                    assertThat(found.get("reason").asString()).contains(reason);
                }
            });
            // Every reply's second delivery was recognised and not applied; the participants'
            // inboxes absorbed the commands' (the invariants show nothing happened twice).
            awaitEveryMessageDeliveredTwice(duplicator, orders.keySet());
        }
    }

    @Test
    void refusesMalformedAndOutOfRangeOrdersWithoutStartingASaga() {
        long sagasBefore = sagaCount();
        Map<String, String> north = Shop.NORTH;

        assertProblem(shop.submit("{\"customerId\": \"alice\", \"lines\": ["), 400, null);
        String padded = ApiClient.json(
                Map.of("customerId", "alice", "currency", "EUR", "padding", "x".repeat(65 * 1024), "lines", List.of()));
        assertProblem(shop.submit(padded), 413, null);
        assertProblem(submit(Shop.orderBody("alice", "BOOK-1", 0, 1999, "EUR", north)), 400, "lines[0].quantity");
        assertProblem(submit(Shop.orderBody("alice", "BOOK-1", 1001, 1999, "EUR", north)), 400, "lines[0].quantity");
        assertProblem(submit(Shop.orderBody("alice", "BOOK-1", 1, -1, "EUR", north)), 400, "lines[0].unitPrice");
        assertProblem(submit(Shop.orderBody("alice", "BOOK-1", 1, 19.99, "EUR", north)), 400, "lines[0].unitPrice");
        assertProblem(submit(Shop.orderBody("alice", "BOOK-1", 1, 1999, "EURO", north)), 400, "currency");
        assertProblem(submit(Shop.orderBody("alice", "BOOK-1", 1, 1999, "eur", north)), 400, "currency");

        assertThat(sagaCount()).as("sagas started").isEqualTo(sagasBefore);
    }

    @Test
    void deadLettersUnreadableMessagesOnEveryTopicAndKeepsProcessing() {
        List<String> topics = new ArrayList<>(COMMAND_TOPICS);
        topics.add(Topics.SAGA_REPLIES);
        String bootstrap = system.kafka().bootstrapServers();
        List<UnreadableMessages.Sent> sent = new ArrayList<>();
        try (var deadLetters = Records.consume(
                bootstrap,
                topics.stream()
                        .map(topic -> Topics.deadLetterOf(system.topic(topic)))
                        .toList())) {
            // On every partition, so that the order placed afterwards finds them ahead of it
            // wherever its saga id puts it.
            try (var garbage = new UnreadableMessages(bootstrap)) {
                topics.forEach(
                        topic -> sent.addAll(garbage.sendTo(system.topic(topic), topic.equals(Topics.SAGA_REPLIES))));
            }

            await("every unreadable message on its topic's dead-letter topic")
                    .atMost(SAGA_TIMEOUT)
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> {
                        List<ConsumerRecord<String, String>> dead = deadLetters.records();
                        for (UnreadableMessages.Sent message : sent) {
                            assertThat(dead)
                                    .as("dead letter of %s on %s", message.value(), message.topic())
                                    .filteredOn(letter -> letter.key().equals(message.key()))
                                    .singleElement()
                                    .satisfies(letter -> {
                                        assertThat(letter.topic()).isEqualTo(Topics.deadLetterOf(message.topic()));
                                        assertThat(letter.value()).isEqualTo(message.value());
                                        assertThat(header(letter, MessageHeaders.DEAD_LETTER_EXCEPTION))
                                                .isEqualTo(MalformedMessageException.class.getName());
                                        assertThat(header(letter, MessageHeaders.DEAD_LETTER_REASON))
                                                .isNotBlank()
                                                .contains(message.reasonNames());
                                    });
                        }
                    });
        }

        Placed order = place(shop.place("alice", "BOOK-1", 1, 1999, Shop.NORTH));

        assertThat(shop.awaitFinal(order, SAGA_TIMEOUT).get("status").asString())
                .isEqualTo("COMPLETED");
    }

    @Test
    void allocatesEachUnitToOneOrderWhenTwoHundredOrdersRaceForFifty() throws Exception {
        List<Placed> race = new ArrayList<>();
        try (var clients = Executors.newFixedThreadPool(16)) {
            List<Future<Placed>> placing = IntStream.range(0, RACE_ORDERS)
                    .mapToObj(i -> clients.submit(() -> shop.place("alice", RACE_SKU, 1, 250, Shop.NORTH)))
                    .toList();
            for (Future<Placed> order : placing) {
                race.add(place(order.get()));
            }
        } catch (ExecutionException e) {
            throw new AssertionError("placing an order failed", e.getCause());
        }

        shop.awaitAllFinal(race, Duration.ofMinutes(3));

        Map<String, List<Placed>> byStatus = new LinkedHashMap<>();
        for (Placed order : race) {
            JsonNode found = shop.order(order);
            String status = found.get("status").asString();
            byStatus.computeIfAbsent(status, key -> new ArrayList<>()).add(order);
            if (status.equals("REJECTED")) {
                assertThat(found.get("reason").asString()).contains("reserve inventory failed");
            }
        }
        assertThat(byStatus.keySet()).containsExactlyInAnyOrder("APPROVED", "REJECTED");
        assertThat(byStatus.get("APPROVED")).hasSize(RACE_UNITS);
        assertThat(byStatus.get("REJECTED")).hasSize(RACE_ORDERS - RACE_UNITS);
        List<Map<String, Object>> units = JdbcClient.create(system.dataSource(Service.INVENTORY))
                .sql("SELECT status, order_id FROM unit WHERE sku = :sku")
                .param("sku", RACE_SKU)
                .query()
                .listOfRows();
        assertThat(units)
                .hasSize(RACE_UNITS)
                .allSatisfy(unit -> assertThat(unit.get("status")).isEqualTo("ALLOCATED"));
        assertThat(units.stream().map(unit -> (UUID) unit.get("order_id")).toList())
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        byStatus.get("APPROVED").stream().map(Placed::orderId).toList());
    }

    /**
     * Waits until every command and reply of {@code orders} has been copied once, and the
     * orchestrator logged each reply's copy as a duplicate delivery.
     */
    private static void awaitEveryMessageDeliveredTwice(Duplicator duplicator, Collection<Placed> orders) {
        Set<String> sagaIds = new HashSet<>();
        orders.forEach(order -> sagaIds.add(order.sagaId().toString()));
        await("every message copied and every reply's copy seen")
                .atMost(SAGA_TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<JsonNode> sagas = orders.stream().map(shop::saga).toList();
                    Map<String, Long> copied = duplicator.copies().stream()
                            .filter(copy -> sagaIds.contains(copy.key()))
                            .collect(groupingBy(copy -> copy.topic(), counting()));
                    long commands = sagas.stream()
                            .mapToLong(
                                    saga -> Shop.entries(saga, "COMMAND_SENT").size())
                            .sum();
                    long replies = sagas.stream()
                            .mapToLong(saga -> Shop.replies(saga).size())
                            .sum();
                    long duplicates = sagas.stream()
                            .mapToLong(saga ->
                                    Shop.entries(saga, "DUPLICATE_DELIVERY").size())
                            .sum();
                    for (String topic : COMMAND_TOPICS) {
                        assertThat(copied.getOrDefault(system.topic(topic), 0L))
                                .as("copies on " + topic)
                                .isPositive();
                    }
                    assertThat(COMMAND_TOPICS.stream()
                                    .mapToLong(topic -> copied.getOrDefault(system.topic(topic), 0L))
                                    .sum())
                            .as("command copies")
                            .isEqualTo(commands);
                    assertThat(copied.getOrDefault(system.topic(Topics.SAGA_REPLIES), 0L))
                            .as("reply copies")
                            .isEqualTo(replies);
                    assertThat(duplicates).as("duplicate deliveries").isEqualTo(replies);
                    for (JsonNode saga : sagas) {
                        assertThat(Shop.entries(saga, "DUPLICATE_DELIVERY"))
                                .as("duplicates of saga " + saga.get("sagaId"))
                                .hasSameSizeAs(Shop.replies(saga))
                                .isNotEmpty();
                    }
                });
    }

    private static Placed place(Placed order) {
        placed.add(order);
        return order;
    }

    private static void assertRejected(Placed order, String reason) {
        JsonNode found = shop.order(order);
        assertThat(found.get("status").asString()).isEqualTo("REJECTED");
        assertThat(found.get("reason").asString()).contains(reason);
    }

    private static ApiClient.Response submit(Map<String, Object> body) {
        return shop.submit(ApiClient.json(body));
    }

    private static void assertProblem(ApiClient.Response response, int status, @Nullable String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        if (field != null) {
            assertThat(response.json()
                            .get("errors")
                            .valueStream()
                            .map(error -> error.get("field").asString()))
                    .as(response.body())
                    .contains(field);
        }
    }

    private static long sagaCount() {
        return JdbcClient.create(system.dataSource(Service.ORCHESTRATOR))
                .sql("SELECT count(*) FROM saga_instance")
                .query(Long.class)
                .single();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
