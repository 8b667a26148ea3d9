package io.sagaline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationFailed;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationSent;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.testing.ApiClient;
import io.sagaline.testing.JavaProcess;
import io.sagaline.testing.Ports;
import io.sagaline.testing.TestAccounts;
import io.sagaline.testing.TestInfrastructure;
import io.sagaline.testing.internal.Provisioning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The orchestrator as real processes from its jar, over real PostgreSQL, Kafka and the outbox relay:
 * killed with {@code kill -9} mid-stream and started again, and two instances on one database. Every
 * saga finishes once, and every command takes effect under its one idempotency key, however often the
 * relay delivers it.
 */
class OrchestratorCrashIT {

    private static final Path JAR =
            Provisioning.repositoryRoot().resolve("orchestrator/target/sagaline-orchestrator.jar");
    private static final Path LOGS =
            Provisioning.repositoryRoot().resolve("orchestrator/target/test-orchestrator-logs");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration FINISH_TIMEOUT = Duration.ofSeconds(150);
    private static final int STEPS_SENDING_COMMANDS = 6;

    private static final int CRASH_ORDERS = 150;
    private static final int ORDERS_PER_SECOND = 25;
    /** The kill comes once this many orders were accepted and some of their sagas completed. */
    private static final int KILL_AFTER_ACCEPTED = CRASH_ORDERS / 3;

    private static final int PAIR_ORDERS = 100;

    private static final int VERSION_ORDERS = 20;

    private TestRun run;
    private RelayedRun system;
    private StandInParticipants standIns;
    private HikariDataSource dataSource;
    private JdbcClient jdbc;

    @BeforeAll
    static void requireTheJar() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(
                    JAR + " is missing: build it with ./mvnw -pl orchestrator -am package (verify packages it first)");
        }
    }

    @BeforeEach
    void startRelayAndStandIns() {
        system = RelayedRun.start("orchestrator-crash-it");
        run = system.run();
        standIns = system.standIns();
        dataSource = TestInfrastructure.postgres().dataSource(run.database());
        jdbc = JdbcClient.create(dataSource);
    }

    @AfterEach
    void stopAndDropTheDatabase() {
        dataSource.close();
        // Its replication slot goes with it; the server has few.
        system.close();
    }

    @Test
    void finishesEverySagaOnceWhenTheOrchestratorIsKilledMidStream() {
        try (var orchestrator = new Orchestrator(run, "killed")) {
            orchestrator.start();
            Map<Integer, SagaId> accepted = new ConcurrentHashMap<>();
            Queue<Integer> unanswered = new ConcurrentLinkedQueue<>();
            CompletableFuture<Void> placing =
                    CompletableFuture.runAsync(() -> placeSteadily(orchestrator.api, accepted, unanswered));

            await().atMost(Duration.ofSeconds(90))
                    .until(() -> accepted.size() >= KILL_AFTER_ACCEPTED
                            && statuses(jdbc).containsKey("COMPLETED"));
            orchestrator.kill9();
            int placedAtKill = accepted.size();
            Map<String, Long> atKill = statuses(jdbc);
            System.out.printf(
                    "orchestrator kill -9: killed after %d of %d completed; %d orders accepted; sagas by status %s%n",
                    atKill.getOrDefault("COMPLETED", 0L), CRASH_ORDERS, placedAtKill, atKill);
            assertThat(atKill.getOrDefault("COMPLETED", 0L)).isLessThan(CRASH_ORDERS);
            assertThat(atKill.getOrDefault("RUNNING", 0L))
                    .as("sagas in flight at the kill")
                    .isPositive();

            long down = System.nanoTime();
            orchestrator.start();
            System.out.printf(
                    "orchestrator kill -9: serving again %d ms after the kill%n",
                    Duration.ofNanos(System.nanoTime() - down).toMillis());
            placing.join();
            // The client's contract: a request that got no answer is sent again under the same key.
            int startedBefore = 0;
            for (int order : unanswered) {
                Placed placed = await().atMost(Duration.ofSeconds(30))
                        .until(() -> place(orchestrator.api, "crash", order), Optional::isPresent)
                        .orElseThrow();
                accepted.put(order, placed.saga());
                startedBefore += placed.replayed() ? 1 : 0;
            }
            System.out.printf(
                    "orchestrator kill -9: %d orders re-sent under their key, %d of them had started a saga already%n",
                    unanswered.size(), startedBefore);

            awaitAllCompleted(jdbc, CRASH_ORDERS);
            StepLog log = StepLog.read(jdbc);
            assertOneCompletedSagaAndApprovedOrderPerKey(jdbc, log, "crash", CRASH_ORDERS, accepted);

            Map<SagaId, List<StandInParticipants.Command>> received = bySaga(standIns.received());
            long duplicates = 0;
            long resent = 0;
            for (SagaId saga : log.sagas()) {
                List<StandInParticipants.Command> commands = received.getOrDefault(saga, List.of());
                assertThat(commands)
                        .as("idempotency keys of saga %s", saga)
                        .extracting(command -> command.envelope().idempotencyKey())
                        .containsOnly(forwardKeys(saga));
                assertThat(commands.stream()
                                .map(command -> command.envelope().messageId().value())
                                .collect(Collectors.toSet()))
                        .as("every command saga %s sent arrived, and nothing else", saga)
                        .isEqualTo(log.commandsSent(saga));
                assertThat(log.count(saga, "COMMAND_SENT"))
                        .as("commands of saga %s: one per step, and one more per retry it logged", saga)
                        .isEqualTo(STEPS_SENDING_COMMANDS + log.count(saga, "RETRY_DUE"));
                duplicates += commands.size() - log.commandsSent(saga).size();
                resent += log.count(saga, "RETRY_DUE");
            }
            System.out.printf(
                    "orchestrator kill -9: %d commands delivered more than once (redelivered, same key),"
                            + " %d re-sent after a timeout, %d duplicate replies skipped%n",
                    duplicates, resent, log.total("DUPLICATE_DELIVERY"));
        }
    }

    @Test
    void twoInstancesOnOneDatabaseFinishEachSagaOnce() {
        try (var first = new Orchestrator(run, "first");
                var second = new Orchestrator(run, "second")) {
            // The mail server fails each confirmation once: the retry is a deadline both scanners race for.
            Set<UUID> failedOnce = ConcurrentHashMap.newKeySet();
            StandInParticipants.Script mailFailsOnce = StandInParticipants.SUCCEED.on(
                    SendOrderConfirmation.class,
                    confirm -> failedOnce.add(confirm.orderId())
                            ? new OrderConfirmationFailed(confirm.orderId(), "SMTP down")
                            : new OrderConfirmationSent(confirm.orderId()));
            IntStream.range(0, PAIR_ORDERS).forEach(order -> standIns.script(customer("pair", order), mailFailsOnce));
            // Both at once: their migrations race too.
            first.launch();
            second.launch();
            first.awaitHealthy();
            second.awaitHealthy();

            Map<Integer, SagaId> accepted = new ConcurrentHashMap<>();
            for (int order = 0; order < PAIR_ORDERS; order++) {
                ApiClient api = (order % 2 == 0 ? first : second).api;
                accepted.put(order, place(api, "pair", order).orElseThrow().saga());
            }
            awaitAllCompleted(jdbc, PAIR_ORDERS);

            StepLog log = StepLog.read(jdbc);
            assertOneCompletedSagaAndApprovedOrderPerKey(jdbc, log, "pair", PAIR_ORDERS, accepted);
            Map<SagaId, List<StandInParticipants.Command>> received = bySaga(standIns.received());
            for (SagaId saga : log.sagas()) {
                assertThat(log.count(saga, "RETRY_SCHEDULED"))
                        .as("retries scheduled, saga %s", saga)
                        .isEqualTo(1);
                assertThat(log.count(saga, "RETRY_DUE"))
                        .as("retries fired, saga %s", saga)
                        .isEqualTo(1);
                assertThat(log.count(saga, "COMMAND_SENT"))
                        .as("commands sent, saga %s", saga)
                        .isEqualTo(7);
                List<StandInParticipants.Command> confirmations = received.getOrDefault(saga, List.of()).stream()
                        .filter(command -> command.type().equals("SendOrderConfirmation"))
                        .toList();
                assertThat(confirmations)
                        .as("confirmations of saga %s", saga)
                        .hasSize(2)
                        .extracting(command -> command.envelope().idempotencyKey())
                        .containsOnly(saga + ":6:forward");
                assertThat(confirmations.get(0).envelope().messageId())
                        .isNotEqualTo(confirmations.get(1).envelope().messageId());
            }
            long completedByFirst = completedCount(first);
            long completedBySecond = completedCount(second);
            System.out.printf(
                    "two orchestrators: %d sagas completed by the first, %d by the second; %d conflicting events"
                            + " ignored, %d failed%n",
                    completedByFirst, completedBySecond, log.total("IGNORED"), log.total("EVENT_FAILED"));
            assertThat(completedByFirst + completedBySecond)
                    .as("completions counted by the two instances")
                    .isEqualTo(PAIR_ORDERS);
            assertThat(log.total("EVENT_FAILED")).isZero();
        }
    }

    @Test
    void sagasKeepTheVersionTheyStartedWithWhenARestartChangesTheVersionForNewOnes() {
        // v1 sagas stop at their last step, the confirmation, until the orchestrator was replaced.
        IntStream.range(0, VERSION_ORDERS)
                .forEach(order -> standIns.script(
                        customer("v1", order), StandInParticipants.SUCCEED.silentOn(SendOrderConfirmation.class)));
        Map<Integer, SagaId> onV1 = new ConcurrentHashMap<>();
        try (var old = new Orchestrator(run, "v1", Map.of("SAGALINE_ORCHESTRATOR_STARTVERSIONS_ORDER", "1"))) {
            old.start();
            for (int order = 0; order < VERSION_ORDERS; order++) {
                onV1.put(order, place(old.api, "v1", order).orElseThrow().saga());
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> confirmationsReceived(onV1.values()).size() == VERSION_ORDERS);
        }
        assertThat(statuses(jdbc)).containsExactly(Map.entry("RUNNING", (long) VERSION_ORDERS));

        try (var current = new Orchestrator(run, "v2")) {
            current.start();
            Map<Integer, SagaId> onV2 = new ConcurrentHashMap<>();
            for (int order = 0; order < VERSION_ORDERS; order++) {
                onV2.put(order, place(current.api, "v2", order).orElseThrow().saga());
            }
            confirmationsReceived(onV1.values())
                    .forEach(confirm -> standIns.reply(
                            confirm, new OrderConfirmationSent(((SendOrderConfirmation) confirm.payload()).orderId())));
            awaitAllCompleted(jdbc, 2 * VERSION_ORDERS);

            Map<SagaId, Integer> versions = perSaga(jdbc, "SELECT id, definition_version FROM saga_instance");
            Map<SagaId, Integer> rounds = perSaga(jdbc, """
                    SELECT saga_id, count(DISTINCT at) FROM saga_step_log
                    WHERE entry = 'COMMAND_SENT' AND direction = 'FORWARD' GROUP BY saga_id
                    """);
            onV1.values().forEach(saga -> {
                assertThat(versions.get(saga)).as("version of v1 saga %s", saga).isEqualTo(1);
                assertThat(rounds.get(saga))
                        .as("commands sent one at a time, saga %s", saga)
                        .isEqualTo(6);
            });
            onV2.values().forEach(saga -> {
                assertThat(versions.get(saga)).as("version of v2 saga %s", saga).isEqualTo(2);
                assertThat(rounds.get(saga))
                        .as("rounds of commands, saga %s", saga)
                        .isEqualTo(3);
            });
            System.out.printf(
                    "versions: %d sagas started on v1 finished on v1 after a restart made v2 the version for new"
                            + " sagas; %d new sagas ran v2, sending their commands in 3 rounds instead of 6%n",
                    onV1.size(), onV2.size());
        }
    }

    /** The confirmations the stand-ins received for {@code sagas}. */
    private List<StandInParticipants.Command> confirmationsReceived(Collection<SagaId> sagas) {
        Set<SagaId> wanted = Set.copyOf(sagas);
        return standIns.received().stream()
                .filter(command ->
                        wanted.contains(command.sagaId()) && command.payload() instanceof SendOrderConfirmation)
                .toList();
    }

    /** A number per saga: {@code query} answers a saga id and the number. */
    private static Map<SagaId, Integer> perSaga(JdbcClient jdbc, String query) {
        return jdbc
                .sql(query)
                .query((row, n) -> Map.entry(SagaId.of(row.getObject(1, UUID.class)), row.getInt(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Places CRASH_ORDERS orders at a steady rate; one that got no answer is left for the caller. */
    private static void placeSteadily(ApiClient api, Map<Integer, SagaId> accepted, Queue<Integer> unanswered) {
        long interval = 1_000_000_000L / ORDERS_PER_SECOND;
        long next = System.nanoTime();
        for (int order = 0; order < CRASH_ORDERS; order++) {
            int placing = order;
            place(api, "crash", order)
                    .ifPresentOrElse(placed -> accepted.put(placing, placed.saga()), () -> unanswered.add(placing));
            next += interval;
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    /** Places order number {@code order}; empty if the orchestrator did not accept it (it is down). */
    private static Optional<Placed> place(ApiClient api, String prefix, int order) {
        ApiClient.Response response;
        try {
            response = api.post(
                    "/api/orders",
                    ApiClient.json(Orders.order(customer(prefix, order))),
                    Map.of("Idempotency-Key", key(prefix, order)));
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
        if (response.status() != 202) {
            System.out.printf("order %s answered %d: %s%n", key(prefix, order), response.status(), response.body());
            return Optional.empty();
        }
        return Optional.of(new Placed(
                SagaId.of(response.json().get("sagaId").asString()),
                "true".equals(response.header("Idempotent-Replayed"))));
    }

    private static void awaitAllCompleted(JdbcClient jdbc, int orders) {
        await().atMost(FINISH_TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .failFast(
                        "a saga left the happy path",
                        () -> assertThat(jdbc.sql("""
                                SELECT id || ' ' || status || ': ' || coalesce(reason, '') FROM saga_instance
                                WHERE status NOT IN ('RUNNING', 'COMPLETED')
                                """).query(String.class).list())
                                .as("sagas neither running nor completed")
                                .isEmpty())
                .until(() -> statuses(jdbc).getOrDefault("COMPLETED", 0L) == orders);
    }

    private static void assertOneCompletedSagaAndApprovedOrderPerKey(
            JdbcClient jdbc, StepLog log, String prefix, int orders, Map<Integer, SagaId> accepted) {
        Map<String, SagaId> sagaByKey = jdbc
                .sql("SELECT start_key, id FROM saga_instance")
                .query((row, n) -> Map.entry(row.getString(1), SagaId.of(row.getObject(2, UUID.class))))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(sagaByKey.keySet())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, orders)
                        .mapToObj(order -> key(prefix, order))
                        .toList());
        IntStream.range(0, orders)
                .forEach(order -> assertThat(accepted.get(order))
                        .as("the saga the API answered for %s", key(prefix, order))
                        .isEqualTo(sagaByKey.get(key(prefix, order))));
        assertThat(statuses(jdbc)).containsExactly(Map.entry("COMPLETED", (long) orders));
        assertThat(jdbc.sql("SELECT status, count(*) FROM orders GROUP BY status")
                        .query((row, n) -> Map.entry(row.getString(1), row.getLong(2)))
                        .list())
                .containsExactly(Map.entry("APPROVED", (long) orders));
        assertThat(log.sagas()).containsExactlyInAnyOrderElementsOf(sagaByKey.values());
        log.sagas()
                .forEach(saga -> assertThat(log.count(saga, "COMPLETED"))
                        .as("COMPLETED lines of saga %s", saga)
                        .isEqualTo(1));
    }

    private static Map<String, Long> statuses(JdbcClient jdbc) {
        return jdbc
                .sql("SELECT status, count(*) FROM saga_instance GROUP BY status")
                .query((row, n) -> Map.entry(row.getString(1), row.getLong(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static long completedCount(Orchestrator orchestrator) {
        Matcher counter = Pattern.compile("(?m)^sagaline_sagas_completed_total\\{[^}]*} ([0-9.]+)$")
                .matcher(orchestrator.metrics());
        return counter.find() ? (long) Double.parseDouble(counter.group(1)) : 0;
    }

    private static Map<SagaId, List<StandInParticipants.Command>> bySaga(List<StandInParticipants.Command> commands) {
        return commands.stream().collect(Collectors.groupingBy(StandInParticipants.Command::sagaId));
    }

    private static String[] forwardKeys(SagaId saga) {
        return IntStream.rangeClosed(1, STEPS_SENDING_COMMANDS)
                .mapToObj(step -> saga + ":" + step + ":forward")
                .toArray(String[]::new);
    }

    private static String key(String prefix, int order) {
        return prefix + "-order-" + order;
    }

    private static String customer(String prefix, int order) {
        return prefix + "-customer-" + order;
    }

    /** What placing an order answered: its saga, and whether the key had started it before. */
    private record Placed(SagaId saga, boolean replayed) {}

    /** The step log of every saga in the database, counted by saga and entry. */
    private record StepLog(Map<SagaId, Map<String, Long>> entries, Map<SagaId, Set<UUID>> commands) {

        private record Line(
                SagaId saga, String entry, @Nullable UUID messageId) {}

        static StepLog read(JdbcClient jdbc) {
            List<Line> lines = jdbc.sql("SELECT saga_id, entry, message_id FROM saga_step_log")
                    .query((row, n) -> new Line(
                            SagaId.of(row.getObject(1, UUID.class)), row.getString(2), row.getObject(3, UUID.class)))
                    .list();
            return new StepLog(
                    lines.stream()
                            .collect(Collectors.groupingBy(
                                    Line::saga, Collectors.groupingBy(Line::entry, Collectors.counting()))),
                    lines.stream()
                            .filter(line -> line.entry().equals("COMMAND_SENT"))
                            .collect(Collectors.groupingBy(
                                    Line::saga, Collectors.mapping(Line::messageId, Collectors.toSet()))));
        }

        Set<SagaId> sagas() {
            return entries.keySet();
        }

        long count(SagaId saga, String entry) {
            return entries.getOrDefault(saga, Map.of()).getOrDefault(entry, 0L);
        }

        long total(String entry) {
            return sagas().stream().mapToLong(saga -> count(saga, entry)).sum();
        }

        Set<UUID> commandsSent(SagaId saga) {
            return commands.getOrDefault(saga, Set.of());
        }
    }

    /** One orchestrator process over a run's database and topics, on a port of its own. */
    private static final class Orchestrator implements AutoCloseable {

        final ApiClient api;
        private final String base;
        private final JavaProcess process;

        Orchestrator(TestRun run, String name) {
            this(run, name, Map.of());
        }

        Orchestrator(TestRun run, String name, Map<String, String> environment) {
            int port = freePort();
            base = "http://127.0.0.1:" + port;
            api = new ApiClient(base).as(TestAccounts.CLIENT);
            process = JavaProcess.builder(JAR)
                    .env(run.environment())
                    .env(environment)
                    .env("SERVER_PORT", Integer.toString(port))
                    .jvmArg("-Xmx384m")
                    .logFile(LOGS.resolve(run.database().name() + "-" + name + ".log"))
                    .build();
        }

        void start() {
            launch();
            awaitHealthy();
        }

        void launch() {
            process.start();
        }

        void awaitHealthy() {
            process.awaitHealthy(URI.create(base + "/actuator/health"), START_TIMEOUT);
        }

        void kill9() {
            process.kill9();
        }

        /** {@code /actuator/prometheus}, as text. */
        String metrics() {
            try (HttpClient http = HttpClient.newHttpClient()) {
                return http.send(
                                HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            process.close();
        }

        private static int freePort() {

            return Ports.free();
        }
    }
}
