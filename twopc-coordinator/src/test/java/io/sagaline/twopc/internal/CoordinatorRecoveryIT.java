package io.sagaline.twopc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.testing.ApiClient;
import io.sagaline.testing.JavaProcess;
import io.sagaline.testing.Ports;
import io.sagaline.testing.TestAccounts;
import io.sagaline.testing.internal.Provisioning;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator as a process from its jar, halted between the phases while several global
 * transactions run, and started again: recovery commits what has a decision, rolls back what has
 * none, and every order ends all or nothing across the four databases.
 */
class CoordinatorRecoveryIT {

    private static final Path JAR =
            Provisioning.repositoryRoot().resolve("twopc-coordinator/target/sagaline-twopc-coordinator.jar");
    private static final Path LOGS =
            Provisioning.repositoryRoot().resolve("twopc-coordinator/target/test-coordinator-logs");
    private static final String COORDINATOR = "recovery-it";
    private static final String PREFIX = GlobalId.prefixOf(COORDINATOR);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int ORDERS = 8;
    private static final int HALT_AFTER = 3;

    private TestDatabases databases;
    private String run;
    private @Nullable CoordinatorProcess coordinator;

    @BeforeAll
    static void requireTheJar() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(
                    JAR + " is missing: build it with ./mvnw -pl twopc-coordinator package (verify packages it first)");
        }
    }

    @BeforeEach
    void createDatabases() {
        databases = TestDatabases.create("twopc_rec");
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stopAndDropTheDatabases() {
        if (coordinator != null) {
            coordinator.close();
        }
        databases.close();
    }

    @Test
    void branchesPreparedWithoutADecisionAreRolledBackOnRestart() {
        Halted halted = haltWhileOrdersRun(TwoPhaseCommitProperties.HaltPoint.AFTER_PREPARE);

        assertThat(halted.fullyPrepared())
                .as("the halting transaction: all four branches prepared, no decision")
                .anyMatch(globalId -> !halted.decided().contains(globalId));
        recoverAndCheck(halted);
    }

    @Test
    void branchesPreparedWithADecisionAreCommittedOnRestart() {
        Halted halted = haltWhileOrdersRun(TwoPhaseCommitProperties.HaltPoint.AFTER_DECISION);

        assertThat(halted.fullyPrepared())
                .as("the halting transaction: all four branches prepared, its decision logged")
                .anyMatch(halted.decided()::contains);
        recoverAndCheck(halted);
    }

    /** What the halted coordinator left behind. */
    record Halted(
            CoordinatorProcess coordinator,
            Map<String, List<String>> prepared,
            Set<String> decided,
            Set<String> fullyPrepared,
            Map<Integer, UUID> approvedBeforeHalt) {

        long expectedCommitted() {
            return prepared.values().stream()
                    .flatMap(List::stream)
                    .filter(gid -> decided.contains(GlobalId.globalIdOf(gid).orElseThrow()))
                    .count();
        }

        long total() {
            return prepared.values().stream().mapToLong(List::size).sum();
        }
    }

    private Halted haltWhileOrdersRun(TwoPhaseCommitProperties.HaltPoint point) {
        var coordinator = new CoordinatorProcess(
                databases.environment(), LOGS.resolve(run + "-" + point.name().toLowerCase(Locale.ROOT) + ".log"));
        this.coordinator = coordinator;
        coordinator.start(HALT_AFTER, point);
        seed(coordinator.api);

        Map<Integer, UUID> approved = new HashMap<>();
        List<CompletableFuture<Optional<ApiClient.Response>>> placing;
        try (ExecutorService clients = Executors.newFixedThreadPool(ORDERS)) {
            placing = IntStream.range(0, ORDERS)
                    .mapToObj(order -> CompletableFuture.supplyAsync(() -> place(coordinator.api, order), clients))
                    .toList();
        }
        await("the coordinator halts")
                .atMost(Duration.ofSeconds(60))
                .until(() -> !coordinator.process().isAlive());
        assertThat(coordinator.process().exitCode()).isEqualTo(CrashPoint.EXIT_CODE);
        assertThat(coordinator.process().logTail(200)).contains("HALT at " + point);
        for (int order = 0; order < ORDERS; order++) {
            int answered = order;
            placing.get(order).join().ifPresent(response -> {
                assertThat(response.json().get("status").asString()).isEqualTo("APPROVED");
                approved.put(
                        answered, UUID.fromString(response.json().get("orderId").asString()));
            });
        }

        Map<String, List<String>> prepared = new HashMap<>();
        Map<String, Integer> branchesPrepared = new HashMap<>();
        for (String branch : TestDatabases.BRANCHES) {
            List<String> own = databases.prepared(branch).stream()
                    .filter(gid -> gid.startsWith(PREFIX))
                    .toList();
            prepared.put(branch, own);
            own.forEach(gid -> branchesPrepared.merge(GlobalId.globalIdOf(gid).orElseThrow(), 1, Integer::sum));
            if (!own.isEmpty()) {
                assertThat(databases.preparedLocks(branch))
                        .as("locks the prepared transactions in %s hold", branch)
                        .isPositive();
            }
        }
        Set<String> fullyPrepared = new HashSet<>();
        branchesPrepared.forEach((globalId, count) -> {
            if (count == TestDatabases.BRANCHES.size()) {
                fullyPrepared.add(globalId);
            }
        });
        Set<String> decided = new HashSet<>(databases
                .jdbc("log")
                .sql("SELECT global_id FROM decision")
                .query(String.class)
                .list());
        var halted = new Halted(coordinator, prepared, decided, fullyPrepared, approved);
        System.out.printf(
                "twopc halt %s: %d orders answered before the halt, %d branch transactions left prepared (%d of them"
                        + " decided), %d decisions logged%n",
                point, approved.size(), halted.total(), halted.expectedCommitted(), decided.size());
        return halted;
    }

    private void recoverAndCheck(Halted halted) {
        long down = System.nanoTime();
        halted.coordinator().start(0, TwoPhaseCommitProperties.HaltPoint.AFTER_PREPARE);
        ApiClient api = halted.coordinator().api;
        System.out.printf(
                "twopc restart: serving %d ms after it was started again%n",
                Duration.ofNanos(System.nanoTime() - down).toMillis());

        var recovery = api.get("/api/recovery").json();
        assertThat(recovery.get("inDoubtFound").asLong()).isEqualTo(halted.total());
        assertThat(recovery.get("committed").asLong()).isEqualTo(halted.expectedCommitted());
        assertThat(recovery.get("rolledBack").asLong()).isEqualTo(halted.total() - halted.expectedCommitted());
        for (String branch : TestDatabases.BRANCHES) {
            assertThat(databases.prepared(branch)).as("prepared in %s", branch).isEmpty();
        }
        assertThat(api.get("/api/prepared").json().get("prepared").asLong()).isZero();
        assertThat(databases
                        .jdbc("log")
                        .sql("SELECT count(*) FROM decision WHERE completed_at IS NULL")
                        .query(Long.class)
                        .single())
                .isZero();

        Set<String> committedGlobalIds = new HashSet<>();
        for (int order = 0; order < ORDERS; order++) {
            Optional<UUID> id = committedOrder(order);
            id.ifPresent(orderId -> committedGlobalIds.add(PREFIX + orderId));
            if (halted.approvedBeforeHalt().containsKey(order)) {
                assertThat(id)
                        .as("order %d, answered APPROVED", order)
                        .contains(halted.approvedBeforeHalt().get(order));
            }
            assertAllOrNothing(order, id);
        }
        assertThat(committedGlobalIds).as("orders committed").isEqualTo(halted.decided());

        // The client's contract: a request that got no answer is sent again under its key.
        for (int order = 0; order < ORDERS; order++) {
            Optional<UUID> committed = committedOrder(order);
            ApiClient.Response again = place(api, order).orElseThrow();
            assertThat(again.json().get("status").asString()).isEqualTo("APPROVED");
            assertThat(again.header(OrderController.REPLAYED)).isEqualTo(Boolean.toString(committed.isPresent()));
            committed.ifPresent(
                    id -> assertThat(again.json().get("orderId").asString()).isEqualTo(id.toString()));
            assertAllOrNothing(order, committedOrder(order));
        }
    }

    /** The order's row, charge, unit and shipment all exist, or none does. */
    private void assertAllOrNothing(int order, Optional<UUID> committed) {
        long charges = count("payment", "SELECT count(*) FROM charge WHERE customer_id = ?", customer(order));
        long allocated =
                count("inventory", "SELECT count(*) FROM unit WHERE sku = ? AND status = 'ALLOCATED'", sku(order));
        long shipments = count("shipment", "SELECT count(*) FROM shipment WHERE region = ?", region(order));
        if (committed.isEmpty()) {
            assertThat(List.of(charges, allocated, shipments))
                    .as("order %d: charge, allocated unit, shipment", order)
                    .containsOnly(0L);
            return;
        }
        UUID id = committed.get();
        assertThat(List.of(charges, allocated, shipments))
                .as("order %d: charge, allocated unit, shipment", order)
                .containsOnly(1L);
        assertThat(count("payment", "SELECT count(*) FROM charge WHERE order_id = ?", id))
                .isOne();
        assertThat(count("inventory", "SELECT count(*) FROM unit WHERE order_id = ?", id))
                .isOne();
        assertThat(count("shipment", "SELECT count(*) FROM shipment WHERE order_id = ?", id))
                .isOne();
    }

    private Optional<UUID> committedOrder(int order) {
        return databases
                .jdbc("orders")
                .sql("SELECT id FROM orders WHERE idempotency_key = ? AND status = 'APPROVED'")
                .param(key(order))
                .query(UUID.class)
                .optional();
    }

    private long count(String database, String sql, Object parameter) {
        return databases
                .jdbc(database)
                .sql(sql)
                .param(parameter)
                .query(Long.class)
                .single();
    }

    /** Every order has a customer, an SKU and a region (with a carrier) of its own. */
    private void seed(ApiClient api) {
        for (int order = 0; order < ORDERS; order++) {
            assertThat(api.post(
                                    "/api/accounts",
                                    ApiClient.json(Map.of(
                                            "customerId",
                                            customer(order),
                                            "currency",
                                            "EUR",
                                            "creditLimit",
                                            1_000_000)),
                                    Map.of())
                            .status())
                    .isEqualTo(201);
            assertThat(api.post(
                                    "/api/skus/" + sku(order) + "/units",
                                    ApiClient.json(Map.of(
                                            "count", 2, "unitPrice", Map.of("amountMinor", 1_999, "currency", "EUR"))),
                                    Map.of())
                            .status())
                    .isEqualTo(201);
            assertThat(api.post(
                                    "/api/carriers",
                                    ApiClient.json(Map.of(
                                            "name",
                                            run + " carrier " + order,
                                            "regions",
                                            List.of(region(order)),
                                            "dailyCapacity",
                                            10)),
                                    Map.of())
                            .status())
                    .isEqualTo(201);
        }
    }

    /** The order's answer, or empty when the coordinator died before it gave one. */
    private Optional<ApiClient.Response> place(ApiClient api, int order) {
        Map<String, Object> body = Map.of(
                "customerId", customer(order),
                "lines", List.of(Map.of("sku", sku(order), "quantity", 1, "unitPrice", 1_999)),
                "currency", "EUR",
                "shippingAddress",
                        Map.of(
                                "country", "DE",
                                "region", region(order),
                                "city", "Berlin",
                                "line1", "Teststraße " + order,
                                "postalCode", "10115"),
                "email", customer(order) + "@example.com");
        try {
            return Optional.of(
                    api.post("/api/orders", ApiClient.json(body), Map.of(OrderController.IDEMPOTENCY_KEY, key(order))));
        } catch (IllegalStateException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private String customer(int order) {
        return run + "-c" + order;
    }

    private String sku(int order) {
        return run + "-sku" + order;
    }

    private String region(int order) {
        return run + "-r" + order;
    }

    private String key(int order) {
        return run + "-k" + order;
    }

    /** The coordinator's process; each start passes the crash point's settings. */
    private static final class CoordinatorProcess implements AutoCloseable {

        final ApiClient api;
        private final int port = freePort();
        private final Map<String, String> environment;
        private final Path logFile;
        private @Nullable JavaProcess process;

        CoordinatorProcess(Map<String, String> environment, Path logFile) {
            this.environment = environment;
            this.logFile = logFile;
            this.api = new ApiClient("http://127.0.0.1:" + port).as(TestAccounts.OPERATOR);
        }

        JavaProcess process() {
            return Objects.requireNonNull(process, "not started");
        }

        void start(int haltAfter, TwoPhaseCommitProperties.HaltPoint point) {
            List<String> args = new ArrayList<>(List.of(
                    "--server.port=" + port,
                    "--sagaline.twopc.coordinator-id=" + COORDINATOR,
                    "--sagaline.twopc.pool-size=8",
                    "--sagaline.twopc.halt-after-prepared=" + haltAfter,
                    "--sagaline.twopc.halt-point=" + point));
            process = JavaProcess.builder(JAR)
                    .env(environment)
                    .jvmArg("-Xmx256m")
                    // Starts faster on a small machine; the test measures correctness, not speed.
                    .jvmArg("-XX:TieredStopAtLevel=1")
                    .args(args)
                    .logFile(logFile)
                    .build()
                    .start();
            process().awaitHealthy(URI.create("http://127.0.0.1:" + port + "/actuator/health"), START_TIMEOUT);
        }

        @Override
        public void close() {
            if (process != null) {
                process.close();
            }
        }

        private static int freePort() {

            return Ports.free();
        }
    }
}
