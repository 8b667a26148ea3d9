package io.sagaline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.e2e.OrderStream.Accepted;
import io.sagaline.e2e.OrderStream.Kind;
import io.sagaline.e2e.Shop.Placed;
import io.sagaline.testing.DedicatedKafka;
import io.sagaline.testing.DedicatedPostgres;
import io.sagaline.testing.TestRelay;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Crashes in the middle of a stream of orders: each component is killed with {@code SIGKILL}
 * (PostgreSQL: immediate shutdown) while orders keep coming, and started again after a short
 * pause. Every saga must then reach the final state its order calls for (approved orders
 * COMPLETED, the others COMPENSATED by the step that refused them), no order may be lost or placed
 * twice, no message may end up dead-lettered, and the invariant checker must find nothing wrong.
 *
 * <p>One system takes every crash in turn, on a Kafka broker and a PostgreSQL server of its own, so
 * that killing them disturbs no other test; the servers go last. Crashes of inventory, shipment
 * and notification are tagged {@value #SLOW}: the default build kills one participant (payment,
 * which serves the saga twice), {@code -Pslow-e2e} kills every one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashesIT {

    static final String SLOW = "slow-e2e";

    private static final int ORDERS_PER_SECOND = 10;
    /** Orders placed in one burst before every orchestrator goes down past the reply timeout. */
    private static final int IN_FLIGHT_AT_OUTAGE = 200;
    /** Orders started before the crash, so that it meets sagas at every step. */
    private static final int BEFORE_CRASH = 20;
    /**
     * Orders started while the component is down: the pause before the restart, 2 s at the stream's
     * rate. Pause and restart take 6 to 20 s on two busy cores, well within a step's two minutes of
     * patience; an outage past it rightly compensates the sagas it holds up, which FaultsIT shows.
     */
    private static final int WHILE_DOWN = 20;
    /** Orders started once it is back, so that new sagas run alongside the interrupted ones. */
    private static final int AFTER_RESTART = 20;

    /**
     * Generous: a saga held up at the confirmation mail waits for its 3-minute timeout before it is
     * retried, and a wrong outcome should show as what it is, not as a timeout.
     */
    private static final Duration FINAL_TIMEOUT = Duration.ofMinutes(5);

    private static OwnServers servers;
    private static DedicatedKafka kafka;
    private static DedicatedPostgres postgres;
    private static Sagaline system;
    private static Invariants invariants;
    private static StreamOutcomes outcomes;
    private static final List<Placed> placed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        servers = OwnServers.start("crashes", 1, 0);
        kafka = servers.kafka();
        postgres = servers.postgres();
        system = servers.system();
        invariants = Invariants.of(system);
        outcomes = new StreamOutcomes(system);
    }

    @AfterAll
    static void stop() {
        if (servers != null) {
            servers.close();
        }
    }

    /**
     * Every orchestrator down for longer than the reply timeout while every participant is up: the
     * participants' replies wait on Kafka, and each saga's deadline passes meanwhile. On restart
     * those replies are read before any of the passed timeouts fires, so every order is approved
     * and none is undone as in doubt.
     */
    @Test
    @Order(0)
    void approvesEveryOrderWhoseRepliesWaitedWhileTheOrchestratorWasDownPastTheTimeout() throws InterruptedException {
        Shop shop = new Shop(system);
        // Placed at once by many clients, so that most are still under way when the crash comes.
        List<Placed> orders;
        try (var clients = Executors.newFixedThreadPool(16)) {
            orders = clients
                    .invokeAll(Collections.nCopies(IN_FLIGHT_AT_OUTAGE, (Callable<Placed>)
                            () -> shop.place(Kind.BOOK.customer, Kind.BOOK.sku, 1, Kind.BOOK.unitPrice, Shop.NORTH)))
                    .stream()
                    .map(CrashesIT::placedOrder)
                    .toList();
        }
        placed.addAll(orders);
        long killedAt = System.nanoTime();
        system.kill9(Service.ORCHESTRATOR);
        long waiting = runningSagas();
        // Down until every saga still running is past its 30 s reply timeout, as its stored deadline
        // says (the confirmation mail's 3-minute timeout aside).
        await("every running saga past its reply timeout")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> runningSagasBefore("now()") == runningSagas());
        long restartedAt = System.nanoTime();
        system.restart(Service.ORCHESTRATOR);
        shop.awaitAllFinal(orders, FINAL_TIMEOUT);

        Map<String, Long> statuses = orders.stream()
                .collect(Collectors.groupingBy(
                        order -> shop.saga(order).get("status").asString(), Collectors.counting()));
        long timedOut = orders.stream()
                .filter(order -> !Shop.entries(shop.saga(order), "TIMEOUT").isEmpty())
                .count();
        System.out.printf(
                "[crashes] orchestrator down %.1f s with %d of %d sagas running: %s, %d reply timeouts fired%n",
                seconds(restartedAt - killedAt), waiting, orders.size(), statuses, timedOut);
        assertThat(waiting)
                .as("sagas under way when the orchestrator went down")
                .isPositive();
        assertThat(statuses).containsOnlyKeys("COMPLETED");
        assertThat(timedOut).as("sagas whose reply timeout fired").isZero();
        assertThat(invariants.violations(placed)).isEmpty();
    }

    @Test
    @Order(1)
    void finishesEverySagaRightWhenTheOrchestratorIsKilledMidStream() {
        crashMidStream("orchestrator", service(Service.ORCHESTRATOR));
    }

    @Test
    @Order(2)
    void finishesEverySagaRightWhenPaymentIsKilledMidStream() {
        crashMidStream("payment-svc", service(Service.PAYMENT));
    }

    @Test
    @Order(3)
    @Tag(SLOW)
    void finishesEverySagaRightWhenInventoryIsKilledMidStream() {
        crashMidStream("inventory-svc", service(Service.INVENTORY));
    }

    @Test
    @Order(4)
    @Tag(SLOW)
    void finishesEverySagaRightWhenShipmentIsKilledMidStream() {
        crashMidStream("shipment-svc", service(Service.SHIPMENT));
    }

    @Test
    @Order(5)
    @Tag(SLOW)
    void finishesEverySagaRightWhenNotificationIsKilledMidStream() {
        crashMidStream("notification-svc", service(Service.NOTIFICATION));
    }

    @Test
    @Order(6)
    void finishesEverySagaRightWhenTheRelayIsKilledMidStream() {
        TestRelay relay = system.relay();
        crashMidStream("outbox relay", new Crash(relay::kill9, relay::restart));
    }

    @Test
    @Order(7)
    void finishesEverySagaRightWhenTheKafkaBrokerIsKilledMidStream() {
        crashMidStream("Kafka broker", new Crash(kafka::kill, kafka::start));
    }

    @Test
    @Order(8)
    void finishesEverySagaRightWhenPostgresShutsDownImmediatelyMidStream() {
        crashMidStream("PostgreSQL server", new Crash(postgres::crash, postgres::start));
    }

    /** How to crash a component, and how to start it again and wait until it is ready. */
    private record Crash(Runnable kill, Runnable restart) {}

    private static Crash service(Service service) {
        return new Crash(() -> system.kill9(service), () -> system.restart(service));
    }

    /**
     * Streams orders; crashes the component once {@link #BEFORE_CRASH} are under way, starts it
     * again after {@link #WHILE_DOWN} more, lets {@link #AFTER_RESTART} more come, stops the stream;
     * then waits until every saga is final and checks each of them and the whole system.
     */
    private static void crashMidStream(String component, Crash crash) {
        OrderStream stream = OrderStream.start(system, ORDERS_PER_SECOND);
        List<Accepted> interrupted;
        List<Accepted> orders;
        long crashedAt;
        long restartedAt;
        long backAt;
        Instant restarting;
        try {
            stream.awaitStarted(BEFORE_CRASH);
            interrupted = stream.accepted();
            assertThat(interrupted).as("sagas under way when the crash comes").isNotEmpty();
            int startedAtCrash = stream.started();
            crashedAt = System.nanoTime();
            crash.kill().run();
            stream.awaitStarted(startedAtCrash + WHILE_DOWN);
            restartedAt = System.nanoTime();
            restarting = Instant.now();
            crash.restart().run();
            backAt = System.nanoTime();
            stream.awaitStarted(stream.started() + AFTER_RESTART);
            orders = stream.stop();
        } finally {
            stream.close();
            // The orders of a failed stream are in the system too: later invariants count them.
            placed.addAll(stream.accepted().stream().map(Accepted::placed).toList());
        }
        long stoppedAt = System.nanoTime();
        outcomes.awaitFinal(orders, "every saga of the stream", FINAL_TIMEOUT);
        long allFinalAt = System.nanoTime();
        long deadLetters = system.deadLetters();

        System.out.printf(
                "[crashes] %s: %d orders %s; %d POSTs failed and were sent again, %d answered as replays;"
                        + " down %.1f s (restart %.1f s); the %d sagas under way at the crash final %.1f s after the"
                        + " restart began; all final %.1f s after the stream stopped; sagas %s; slowest %.1f s;"
                        + " %d dead letters%n",
                component,
                orders.size(),
                OrderStream.byKind(orders),
                stream.failedAttempts(),
                stream.replays(),
                seconds(backAt - crashedAt),
                seconds(backAt - restartedAt),
                interrupted.size(),
                seconds(Duration.between(restarting, outcomes.lastChange(interrupted))
                        .toNanos()),
                seconds(allFinalAt - stoppedAt),
                outcomes.statuses(orders),
                outcomes.slowestSagaSeconds(orders),
                deadLetters);

        outcomes.assertEndedRight(orders, placed, deadLetters, invariants);
    }

    private static Placed placedOrder(Future<Placed> placing) {
        try {
            return placing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while placing orders", e);
        } catch (ExecutionException e) {
            throw new AssertionError("an order could not be placed", e.getCause());
        }
    }

    private static long runningSagas() {
        return runningSagasBefore("'infinity'");
    }

    /**
     * Running sagas whose deadline, before {@code deadline}, is a 30 s reply timeout or a retry and
     * not the confirmation mail's 3-minute timeout.
     */
    private static long runningSagasBefore(String deadline) {
        return JdbcClient.create(system.dataSource(Service.ORCHESTRATOR))
                .sql("SELECT count(*) FROM saga_instance WHERE status = 'RUNNING'"
                        + " AND deadline < updated_at + interval '1 minute' AND deadline < " + deadline)
                .query(Long.class)
                .single();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
