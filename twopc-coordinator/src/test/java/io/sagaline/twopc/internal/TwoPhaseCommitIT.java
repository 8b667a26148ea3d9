package io.sagaline.twopc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.testing.ApiClient;
import io.sagaline.testing.Doors;
import io.sagaline.testing.Doors.Door;
import io.sagaline.testing.ProblemContract;
import io.sagaline.testing.TestAccounts;
import io.sagaline.twopc.TwoPhaseCommitApplication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The checkout as one global transaction, through the HTTP API, on five real databases. */
@ExtendWith(TwoPhaseCommitIT.DropTheDatabasesLast.class)
@SpringBootTest(classes = TwoPhaseCommitApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class TwoPhaseCommitIT {

    private static TestDatabases databases;

    @LocalServerPort
    int port;

    private ApiClient api;
    private String run;

    @BeforeAll
    static void createDatabases() {
        databases = TestDatabases.create("twopc_it");
    }

    /**
     * Drops the databases once Spring has closed the coordinator ({@code @DirtiesContext}), whose
     * pools and resolver would otherwise reach for dropped databases while the JVM exits. Declared
     * before {@code @SpringBootTest}, so its after-all callback runs after Spring's.
     */
    static final class DropTheDatabasesLast implements AfterAllCallback {

        @Override
        public void afterAll(ExtensionContext context) {
            databases.close();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        databases.register(registry);
        registry.add("sagaline.twopc.coordinator-id", () -> "it");
        registry.add("sagaline.twopc.pool-size", () -> "8");
        registry.add("sagaline.twopc.resolve-interval", () -> "500ms");
    }

    @BeforeEach
    void seedARunOfItsOwn() {
        api = new ApiClient("http://127.0.0.1:" + port).as(TestAccounts.OPERATOR);
        run = UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post("/api/accounts", ApiClient.json(account("rich", 1_000_000)), Map.of())
                        .status())
                .isEqualTo(201);
        assertThat(api.post("/api/accounts", ApiClient.json(account("broke", 0)), Map.of())
                        .status())
                .isEqualTo(201);
        assertThat(api.post("/api/skus/" + sku() + "/units", ApiClient.json(units(3)), Map.of())
                        .status())
                .isEqualTo(201);
        assertThat(api.post(
                                "/api/carriers",
                                ApiClient.json(Map.of(
                                        "name", run + " carrier", "regions", List.of(region()), "dailyCapacity", 100)),
                                Map.of())
                        .status())
                .isEqualTo(201);
    }

    @Test
    void answersEveryMistakeInTheSharedShape() {
        ProblemContract.assertBodyMistakes(api, "/api/accounts", """
                {"customerId": "frank", "currency": "EUR", "creditLimit": 10.5}""", "creditLimit", """
                {"customerId": "not an id!", "currency": "EUR", "creditLimit": 100}""", List.of("customerId"));
    }

    @Test
    void seedsOnlyForTheOperatorAndTakesOrdersOnlyFromTheClient() {
        ApiClient stranger = new ApiClient("http://127.0.0.1:" + port);
        List<Door> seeding = List.of(
                new Door("/api/accounts", ApiClient.json(account("door", 1_000_000))),
                new Door("/api/skus/" + sku() + "/units", ApiClient.json(units(1_000))),
                new Door(
                        "/api/carriers",
                        ApiClient.json(Map.of(
                                "name", "door-" + run, "regions", List.of("door-" + run), "dailyCapacity", 1_000))));

        for (Door door : seeding) {
            assertThat(Doors.assertOpensOnlyTo(stranger, door, TestAccounts.OPERATOR)
                            .status())
                    .as(door.toString())
                    .isEqualTo(201);
        }
        Door ordering = new Door(
                "/api/orders",
                order(customer("rich"), 1, region()),
                Map.of(OrderController.IDEMPOTENCY_KEY, key("door")));
        ApiClient.Response placed = Doors.assertOpensOnlyTo(stranger, ordering, TestAccounts.CLIENT);
        assertThat(placed.status()).isEqualTo(200);
        assertThat(placed.json().get("status").asString()).isEqualTo("APPROVED");
    }

    @Test
    void anApprovedOrderCommitsAllFourBranchesAndLeavesNothingPrepared() {
        ApiClient.Response response = place("approved", customer("rich"), 2, region());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("status").asString()).isEqualTo("APPROVED");
        assertThat(response.json().get("reason").isNull()).isTrue();
        assertThat(response.json().get("durationMs").asLong()).isNotNegative();
        UUID orderId = UUID.fromString(response.json().get("orderId").asString());

        assertThat(orderStatus(orderId)).isEqualTo("APPROVED");
        assertThat(databases
                        .jdbc("payment")
                        .sql("SELECT amount FROM charge WHERE order_id = ? AND customer_id = ?")
                        .params(orderId, customer("rich"))
                        .query(Long.class)
                        .single())
                .isEqualTo(2 * 1_999L);
        assertThat(allocatedTo(orderId)).isEqualTo(2);
        assertThat(availableUnits()).isEqualTo(1);
        assertThat(shipmentRegion(orderId)).isEqualTo(region());
        assertThat(bookedToday()).isEqualTo(1);
        await("the decision is marked completed")
                .atMost(Duration.ofSeconds(10))
                .until(() -> databases
                        .jdbc("log")
                        .sql("SELECT completed_at IS NOT NULL FROM decision WHERE global_id = ?")
                        .param("sagaline-2pc:it:" + orderId)
                        .query(Boolean.class)
                        .single());
        for (String branch : TestDatabases.BRANCHES) {
            assertThat(databases.prepared(branch)).as("prepared in %s", branch).isEmpty();
        }
        assertThat(api.get("/api/prepared").json().get("own").asLong()).isZero();
    }

    @Test
    void aDeclinedPaymentRejectsTheOrderAndChangesNoBranch() {
        ApiClient.Response response = place("declined", customer("broke"), 1, region());

        assertRejected(response, "insufficient credit");
    }

    @Test
    void tooFewUnitsRejectTheOrderAndChangeNoBranch() {
        ApiClient.Response response = place("out-of-stock", customer("rich"), 4, region());

        assertRejected(response, "not enough units of SKU " + sku());
    }

    @Test
    void aRegionNoCarrierServesRejectsTheOrderAndChangesNoBranch() {
        ApiClient.Response response = place("no-carrier", customer("rich"), 1, run + "-nowhere");

        assertRejected(response, "no carrier serves region " + run + "-nowhere");
    }

    @Test
    void theSameKeyAgainAnswersTheStoredOrderAndRunsNothing() {
        ApiClient.Response first = place("twice", customer("rich"), 1, region());
        ApiClient.Response again = place("twice", customer("rich"), 1, region());
        ApiClient.Response rejected = place("declined-twice", customer("broke"), 1, region());
        ApiClient.Response rejectedAgain = place("declined-twice", customer("broke"), 1, region());

        assertThat(first.header(OrderController.REPLAYED)).isEqualTo("false");
        assertThat(again.header(OrderController.REPLAYED)).isEqualTo("true");
        assertThat(again.json().get("orderId")).isEqualTo(first.json().get("orderId"));
        assertThat(again.json().get("status").asString()).isEqualTo("APPROVED");
        assertThat(rejectedAgain.json().get("orderId"))
                .isEqualTo(rejected.json().get("orderId"));
        assertThat(rejectedAgain.json().get("reason")).isEqualTo(rejected.json().get("reason"));
        assertThat(availableUnits()).isEqualTo(2);
        assertThat(chargesOf(customer("rich"))).isOne();
    }

    @Test
    void concurrentOrdersOfOneAccountNeverChargeBeyondItsLimit() throws Exception {
        String customer = customer("limited");
        api.post("/api/accounts", ApiClient.json(account("limited", 5 * 1_999)), Map.of());
        api.post("/api/skus/" + sku() + "/units", ApiClient.json(units(20)), Map.of());
        List<CompletableFuture<ApiClient.Response>> placed;
        try (ExecutorService clients = Executors.newFixedThreadPool(12)) {
            placed = java.util.stream.IntStream.range(0, 12)
                    .mapToObj(i ->
                            CompletableFuture.supplyAsync(() -> place("limited-" + i, customer, 1, region()), clients))
                    .toList();
        }

        List<String> statuses = placed.stream()
                .map(CompletableFuture::join)
                .map(response -> response.json().get("status").asString())
                .toList();
        assertThat(statuses).filteredOn("APPROVED"::equals).hasSize(5);
        assertThat(statuses).filteredOn("REJECTED"::equals).hasSize(7);
        assertThat(chargesOf(customer)).isEqualTo(5);
    }

    @Test
    void preparedTransactionsAndTheirLocksAreReportedWhoeverPreparedThem() {
        String gid = "sagaline-2pc:someone-else:" + UUID.randomUUID() + ":payment";
        databases.prepare(
                "payment", gid, "UPDATE account SET credit_limit = 1 WHERE customer_id = '" + customer("rich") + "'");
        try {
            var prepared = api.get("/api/prepared").json();

            assertThat(prepared.get("branches").get("payment").get("prepared").asLong())
                    .isOne();
            assertThat(prepared.get("branches").get("payment").get("locks").asLong())
                    .isPositive();
            assertThat(prepared.get("own").asLong()).as("this coordinator's").isZero();
        } finally {
            databases
                    .jdbc("payment")
                    .sql("ROLLBACK PREPARED " + BranchTransaction.literal(gid))
                    .update();
        }
    }

    @Test
    void theResolverEndsBranchesLeftPreparedByTheDecisionLog() {
        String decided = "sagaline-2pc:it:" + UUID.randomUUID();
        String undecided = "sagaline-2pc:it:" + UUID.randomUUID();
        // The decision first: the resolver runs every 500 ms and would roll back a branch without one.
        databases
                .jdbc("log")
                .sql("INSERT INTO decision (global_id, coordinator_id, outcome, decided_at) VALUES (?, 'it', 'COMMIT',"
                        + " now())")
                .param(decided)
                .update();
        databases.prepare("payment", decided + ":payment", insertAccount(customer("decided")));
        databases.prepare("payment", undecided + ":payment", insertAccount(customer("undecided")));

        await("the resolver ends both")
                .atMost(Duration.ofSeconds(10))
                .until(() -> databases.prepared("payment").isEmpty());
        assertThat(accounts(customer("decided"))).isOne();
        assertThat(accounts(customer("undecided"))).isZero();
        await("the decision is marked completed")
                .atMost(Duration.ofSeconds(5))
                .until(() -> databases
                        .jdbc("log")
                        .sql("SELECT completed_at IS NOT NULL FROM decision WHERE global_id = ?")
                        .param(decided)
                        .query(Boolean.class)
                        .single());
    }

    @Test
    void anInvalidBodyIsAProblemNamingTheField() {
        ApiClient.Response response = api.post(
                "/api/orders",
                ApiClient.json(Map.of("customerId", "", "lines", List.of(), "currency", "EUR")),
                Map.of(OrderController.IDEMPOTENCY_KEY, key("invalid")));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("errors").findValuesAsString("field"))
                .contains("customerId", "lines", "shippingAddress", "email");
    }

    private void assertRejected(ApiClient.Response response, String reason) {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("status").asString()).isEqualTo("REJECTED");
        assertThat(response.json().get("reason").asString()).contains(reason);
        UUID orderId = UUID.fromString(response.json().get("orderId").asString());
        assertThat(orderStatus(orderId)).isEqualTo("REJECTED");
        assertThat(chargesOf(customer("rich")) + chargesOf(customer("broke"))).isZero();
        assertThat(allocatedTo(orderId)).isZero();
        assertThat(availableUnits()).isEqualTo(3);
        assertThat(bookedToday()).isZero();
        assertThat(databases
                        .jdbc("shipment")
                        .sql("SELECT count(*) FROM shipment WHERE order_id = ?")
                        .param(orderId)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(databases
                        .jdbc("log")
                        .sql("SELECT count(*) FROM decision WHERE global_id LIKE ?")
                        .param("%" + orderId)
                        .query(Long.class)
                        .single())
                .isZero();
        for (String branch : TestDatabases.BRANCHES) {
            assertThat(databases.prepared(branch)).as("prepared in %s", branch).isEmpty();
        }
    }

    private ApiClient.Response place(String key, String customer, int quantity, String region) {
        return api.post(
                "/api/orders", order(customer, quantity, region), Map.of(OrderController.IDEMPOTENCY_KEY, key(key)));
    }

    private String order(String customer, int quantity, String region) {
        Map<String, Object> body = Map.of(
                "customerId",
                customer,
                "lines",
                List.of(Map.of("sku", sku(), "quantity", quantity, "unitPrice", 1_999)),
                "currency",
                "EUR",
                "shippingAddress",
                Map.of(
                        "country", "DE",
                        "region", region,
                        "city", "Berlin",
                        "line1", "Teststraße 1",
                        "postalCode", "10115"),
                "email",
                "buyer@example.com");
        return ApiClient.json(body);
    }

    private String orderStatus(UUID orderId) {
        return databases
                .jdbc("orders")
                .sql("SELECT status FROM orders WHERE id = ?")
                .param(orderId)
                .query(String.class)
                .single();
    }

    private static String insertAccount(String customer) {
        return "INSERT INTO account (customer_id, currency, credit_limit, status, created_at) VALUES ('" + customer
                + "', 'EUR', 0, 'ACTIVE', now())";
    }

    private long accounts(String customer) {
        return databases
                .jdbc("payment")
                .sql("SELECT count(*) FROM account WHERE customer_id = ?")
                .param(customer)
                .query(Long.class)
                .single();
    }

    private long chargesOf(String customer) {
        return databases
                .jdbc("payment")
                .sql("SELECT count(*) FROM charge WHERE customer_id = ?")
                .param(customer)
                .query(Long.class)
                .single();
    }

    private long allocatedTo(UUID orderId) {
        return databases
                .jdbc("inventory")
                .sql("SELECT count(*) FROM unit WHERE order_id = ? AND status = 'ALLOCATED'")
                .param(orderId)
                .query(Long.class)
                .single();
    }

    private long availableUnits() {
        return databases
                .jdbc("inventory")
                .sql("SELECT count(*) FROM unit WHERE sku = ? AND status = 'AVAILABLE'")
                .param(sku())
                .query(Long.class)
                .single();
    }

    private String shipmentRegion(UUID orderId) {
        return databases
                .jdbc("shipment")
                .sql("SELECT region FROM shipment WHERE order_id = ?")
                .param(orderId)
                .query(String.class)
                .single();
    }

    private long bookedToday() {
        return databases
                .jdbc("shipment")
                .sql("""
                        SELECT coalesce(sum(d.booked), 0) FROM carrier_day d JOIN carrier c ON c.id = d.carrier_id
                        WHERE c.name = ?
                        """)
                .param(run + " carrier")
                .query(Long.class)
                .single();
    }

    private Map<String, Object> account(String name, long creditLimit) {
        return Map.of("customerId", customer(name), "currency", "EUR", "creditLimit", creditLimit);
    }

    private static Map<String, Object> units(int count) {
        return Map.of("count", count, "unitPrice", Map.of("amountMinor", 1_999, "currency", "EUR"));
    }

    private String customer(String name) {
        return run + "-" + name;
    }

    private String sku() {
        return run + "-sku";
    }

    private String region() {
        return run + "-region";
    }

    private String key(String name) {
        return run + "-" + name;
    }
}
