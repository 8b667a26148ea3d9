package io.sagaline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.e2e.OrderStream.Accepted;
import io.sagaline.messaging.Topics;
import io.sagaline.testing.DedicatedKafka;
import io.sagaline.testing.DedicatedPostgres;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A long chaos run: a steady stream of orders while a random component is killed ({@code
 * SIGKILL}; PostgreSQL: immediate shutdown) every 15 to 35 s and started again with the same
 * command after a few seconds, every component in turn in a shuffled order: each orchestrator
 * instance, each participant, the relay, the Kafka broker and the PostgreSQL server. Up to two
 * services may be down at once (every eighth kill takes two at once); the broker and the server
 * go down alone. For a tenth of the run every command and reply is delivered twice.
 *
 * <p>A crash that heals within a step's patience must cost no order: at the end every saga is
 * final, every order ends as its kind calls for (none rejected that should have been approved),
 * no message is dead-lettered, and the invariant checker (money, stock, shipments, mails once)
 * finds nothing wrong. Prints a table of kills, recovery times, outcomes and the latency the
 * crashes added.
 *
 * <p>Tagged {@value #CHAOS}: it runs only with {@code -Pchaos} ({@code bench/chaos}). Settings are
 * system properties: {@code sagaline.chaos.orders} (2250), {@code sagaline.chaos.rate} (orders a
 * second, 5), {@code sagaline.chaos.kill-every} (seconds, 15-35), {@code
 * sagaline.chaos.orchestrators} (2), {@code sagaline.chaos.seed} (random).
 */
@Tag(ChaosIT.CHAOS)
class ChaosIT {

    static final String CHAOS = "chaos";

    private static final int ORDERS = Integer.getInteger("sagaline.chaos.orders", 2_250);
    private static final int RATE = Integer.getInteger("sagaline.chaos.rate", 5);
    private static final int ORCHESTRATORS = Integer.getInteger("sagaline.chaos.orchestrators", 2);
    private static final long SEED = Long.getLong("sagaline.chaos.seed", new Random().nextLong());
    private static final String KILL_EVERY = System.getProperty("sagaline.chaos.kill-every", "15-35");
    private static final int KILL_EVERY_MIN_SECONDS =
            Integer.parseInt(KILL_EVERY.split("-")[0]);
    private static final int KILL_EVERY_MAX_SECONDS =
            Integer.parseInt(KILL_EVERY.split("-")[1]);
    private static final int DOWN_MIN_SECONDS = 2;
    private static final int DOWN_MAX_SECONDS = 10;
    /** Every this many kills, two services go down at once. */
    private static final int PAIR_EVERY = 8;
    /** A crash near the end may leave sagas waiting out a step's patience or a mail's timeout. */
    private static final Duration FINAL_TIMEOUT = Duration.ofMinutes(10);
    /** Long enough for any restart, with PostgreSQL or Kafka coming back meanwhile. */
    private static final Duration RESTARTS_TIMEOUT = Duration.ofMinutes(5);

    private static OwnServers servers;
    private static DedicatedKafka kafka;
    private static DedicatedPostgres postgres;
    private static Sagaline system;
    private static Invariants invariants;
    private static StreamOutcomes outcomes;

    @BeforeAll
    static void start() {
        // A component killed mid-conversation makes its peers' threads fail (the mail server's
        // session with a killed notification-svc, for one); that is the chaos, not the test's
        // failure, so Awaitility must not turn it into one.
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
        servers = OwnServers.start("chaos", ORCHESTRATORS, ORDERS);
        kafka = servers.kafka();
        postgres = servers.postgres();
        system = servers.system();
        invariants = Invariants.of(system);
        outcomes = new StreamOutcomes(system);
    }

    @AfterAll
    static void stop() {
        Awaitility.reset();
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void noCrashThatHealsCostsAnOrder() {
        List<Target> targets = targets();
        var random = new Random(SEED);
        System.out.printf(
                "[chaos] %d orders at %d/s, %d orchestrator instances, a kill every %d to %d s, seed %d, on %d"
                        + " cores%n",
                ORDERS, RATE, ORCHESTRATORS, KILL_EVERY_MIN_SECONDS, KILL_EVERY_MAX_SECONDS, SEED, cores());

        var chaos = new Chaos(random);
        List<Accepted> orders;
        int duplicatedFrom = ORDERS * 4 / 10;
        int duplicatedUntil = ORDERS / 2;
        @Nullable Duplicator duplicator = null;
        boolean duplicated = false;
        OrderStream stream = OrderStream.start(system, RATE);
        try {
            List<Target> deck = new ArrayList<>();
            while (true) {
                // The stream keeps time: a kill comes after so many more orders have started.
                int killAt = stream.started() + RATE * between(random, KILL_EVERY_MIN_SECONDS, KILL_EVERY_MAX_SECONDS);
                if (killAt >= ORDERS) {
                    break;
                }
                stream.awaitStarted(killAt);
                chaos.reviveUnplannedDeaths();
                if (duplicator == null && stream.started() >= duplicatedFrom && stream.started() < duplicatedUntil) {
                    duplicator = Duplicator.start(kafka.bootstrapServers(), duplicatedTopics());
                    System.out.printf("[chaos] every message delivered twice from order %d%n", stream.started());
                } else if (duplicator != null && !duplicated && stream.started() >= duplicatedUntil) {
                    duplicator.close();
                    duplicated = true;
                    System.out.printf(
                            "[chaos] %d messages delivered twice; no more from order %d%n",
                            duplicator.copies().size(), stream.started());
                }
                boolean duplicating = duplicator != null && !duplicated;
                boolean pair = (chaos.kills() + 1) % PAIR_EVERY == 0;
                List<Target> picked = chaos.pick(deck, targets, pair ? 2 : 1, duplicating);
                picked.forEach(target -> chaos.crash(target, stream));
            }
            stream.awaitStarted(ORDERS);
            orders = stream.stop();
        } finally {
            stream.close();
            if (duplicator != null) {
                duplicator.close();
            }
        }
        chaos.awaitRestarted();
        chaos.reviveUnplannedDeaths();
        System.out.printf("[chaos] %d orders accepted; waiting for every saga to end%n", orders.size());
        outcomes.awaitFinal(orders, "every saga of the chaos run", FINAL_TIMEOUT);

        List<Kill> kills = chaos.done();
        long deadLetters = system.deadLetters();
        List<String> wrong = outcomes.wrong(orders);
        long rejectedButApprovable = rejectedThatShouldHaveBeenApproved(orders);
        List<String> violations =
                invariants.violations(orders.stream().map(Accepted::placed).toList());
        printTable(kills, orders, wrong, rejectedButApprovable, violations, deadLetters);
        System.out.printf("[chaos] servers found dead without a kill and started again: %s%n", chaos.unplanned());

        assertThat(chaos.failures()).as("kills or restarts that failed").isEmpty();
        assertThat(kills.stream().map(kill -> kill.target().name()).distinct())
                .as("components killed")
                .hasSameSizeAs(targets);
        assertThat(rejectedButApprovable)
                .as("orders rejected that should have been approved")
                .isZero();
        assertThat(wrong).as("sagas that did not end as their order calls for").isEmpty();
        assertThat(deadLetters).as("dead letters").isZero();
        assertThat(violations).as("invariant violations").isEmpty();
    }

    /**
     * The kills under way: which components are down, and the rules on what may go down together.
     * Each crash runs on its own thread: kill, a few seconds down, restart and wait until ready.
     */
    private static final class Chaos {

        private final Random random;
        private final Set<Target> down = ConcurrentHashMap.newKeySet();
        private final List<Kill> kills = new CopyOnWriteArrayList<>();
        private final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final List<String> unplanned = new CopyOnWriteArrayList<>();
        private final ExecutorService crashes = Executors.newVirtualThreadPerTaskExecutor();
        private int started;

        Chaos(Random random) {
            this.random = random;
        }

        int kills() {
            return started;
        }

        /**
         * The next {@code count} components of the shuffled deck that may go down now, waiting
         * until they may: the broker and the server alone, services at most two at once, and not
         * the broker while messages are being duplicated (the duplicator reads from it).
         */
        List<Target> pick(List<Target> deck, List<Target> targets, int count, boolean duplicating) {
            List<Target> picked = new ArrayList<>();
            for (int attempt = 0; picked.size() < count && attempt < 2 * targets.size(); attempt++) {
                if (deck.isEmpty()) {
                    deck.addAll(targets);
                    Collections.shuffle(deck, random);
                }
                Target next = deck.getFirst();
                boolean pairable = !next.infrastructure() && !down.contains(next) && !picked.contains(next);
                if (count > 1 && !pairable || duplicating && next.name().equals("Kafka broker")) {
                    // Kept for a later kill: rotate it to the back.
                    deck.add(deck.removeFirst());
                    continue;
                }
                deck.removeFirst();
                picked.add(next);
            }
            boolean alone = picked.stream().anyMatch(Target::infrastructure);
            int room = alone ? 0 : 2 - picked.size();
            await("room to kill " + picked)
                    .atMost(RESTARTS_TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> down.stream().noneMatch(Target::infrastructure)
                            && down.size() <= room
                            && picked.stream().noneMatch(down::contains));
            return picked;
        }

        void crash(Target target, OrderStream stream) {
            down.add(target);
            started++;
            int number = started;
            // Drawn here, in the order of the kills, so that a seed gives the same run.
            int downFor = between(random, DOWN_MIN_SECONDS, DOWN_MAX_SECONDS);
            crashes.execute(() -> {
                try {
                    Instant killed = Instant.now();
                    target.kill().run();
                    // A kill near the end must not wait for orders that never come.
                    stream.awaitStartedUnlessStopped(stream.started() + RATE * downFor);
                    Instant restarting = Instant.now();
                    target.restart().run();
                    Kill kill = new Kill(target, killed, restarting, Instant.now());
                    kills.add(kill);
                    System.out.printf(
                            "[chaos] kill %d: %s down %.1f s (restart took %.1f s); %d of %d orders started%n",
                            number,
                            target.name(),
                            seconds(Duration.between(kill.killed(), kill.back())),
                            seconds(Duration.between(kill.restarting(), kill.back())),
                            stream.started(),
                            ORDERS);
                } catch (Throwable e) {
                    failures.add(new AssertionError("kill " + number + " of " + target.name() + " failed", e));
                } finally {
                    down.remove(target);
                }
            });
        }

        void awaitRestarted() {
            await("every killed component back")
                    .atMost(RESTARTS_TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(down::isEmpty);
        }

        List<Kill> done() {
            crashes.close();
            return kills.stream().sorted(Comparator.comparing(Kill::killed)).toList();
        }

        List<Throwable> failures() {
            return failures;
        }

        List<String> unplanned() {
            return unplanned;
        }

        /**
         * Starts the broker or the server again if it died although no kill of the run was under
         * way, and reports it: a death the run did not cause is not hidden, and the run goes on as
         * a supervisor in production would let it.
         */
        void reviveUnplannedDeaths() {
            if (down.stream().anyMatch(Target::infrastructure)) {
                return;
            }
            if (!kafkaAnswers()) {
                unplanned.add("Kafka broker at " + Instant.now());
                System.out.printf("[chaos] UNPLANNED: the Kafka broker is down without a kill; starting it again%n");
                kafka.start();
            }
        }

        private static boolean kafkaAnswers() {
            try (Admin admin = kafka.adminClient()) {
                admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while asking the broker", e);
            }
        }
    }

    /** Every component; replies name the participant that gave them. */
    private static List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        for (int instance = 0; instance < ORCHESTRATORS; instance++) {
            int which = instance;
            targets.add(new Target(
                    "orchestrator-" + (instance + 1),
                    () -> system.kill9Orchestrator(which),
                    () -> system.restartOrchestrator(which),
                    Set.of(),
                    false));
        }
        targets.add(service(Service.PAYMENT, Set.of("PaymentAuthorized", "PaymentCaptured", "AuthorizationVoided")));
        targets.add(service(Service.INVENTORY, Set.of("InventoryReserved", "InventoryAllocated", "InventoryReleased")));
        targets.add(service(Service.SHIPMENT, Set.of("ShipmentScheduled", "ShipmentCancelled")));
        targets.add(service(Service.NOTIFICATION, Set.of("OrderConfirmationSent")));
        targets.add(new Target("outbox relay", system.relay()::kill9, system.relay()::restart, Set.of(), false));
        targets.add(new Target("Kafka broker", kafka::kill, kafka::start, Set.of(), true));
        targets.add(new Target("PostgreSQL server", postgres::crash, postgres::start, Set.of(), true));
        return List.copyOf(targets);
    }

    private static Target service(Service service, Set<String> replies) {
        return new Target(service.module(), () -> system.kill9(service), () -> system.restart(service), replies, false);
    }

    private static List<String> duplicatedTopics() {
        return List.of(
                system.topic(Topics.PAYMENT_COMMANDS),
                system.topic(Topics.INVENTORY_COMMANDS),
                system.topic(Topics.SHIPMENT_COMMANDS),
                system.topic(Topics.NOTIFICATION_COMMANDS),
                system.topic(Topics.SAGA_REPLIES));
    }

    /** The orders of an approvable kind whose saga did not complete. */
    private static long rejectedThatShouldHaveBeenApproved(List<Accepted> orders) {
        List<UUID> approvable = orders.stream()
                .filter(order -> order.kind().approved())
                .map(order -> order.placed().sagaId())
                .toList();
        return orchestrator()
                .sql("SELECT count(*) FROM saga_instance WHERE status <> 'COMPLETED' AND id IN (:ids)")
                .param("ids", approvable)
                .query(Long.class)
                .single();
    }

    private static void printTable(
            List<Kill> kills,
            List<Accepted> orders,
            List<String> wrong,
            long rejectedButApprovable,
            List<String> violations,
            long deadLetters) {
        List<Saga> sagas = sagas(orders);
        var table = new StringBuilder("[chaos] results on this machine (")
                .append(cores())
                .append(" cores, everything on it), seed ")
                .append(SEED)
                .append('\n');
        table.append(String.format("| component | kills | recovery p50 | recovery max |%n|---|---:|---:|---:|%n"));
        Map<String, List<Duration>> recoveries = new LinkedHashMap<>();
        targets().forEach(target -> recoveries.put(target.name(), new ArrayList<>()));
        for (Kill kill : kills) {
            Duration recovery = recovery(kill);
            if (recovery != null) {
                recoveries.get(kill.target().name()).add(recovery);
            }
        }
        kills.stream()
                .collect(Collectors.groupingBy(kill -> kill.target().name(), LinkedHashMap::new, Collectors.counting()))
                .forEach((name, count) -> {
                    List<Duration> times =
                            recoveries.get(name).stream().sorted().toList();
                    table.append(String.format(
                            "| %s | %d | %s | %s |%n",
                            name,
                            count,
                            times.isEmpty() ? "-" : String.format("%.1f s", seconds(percentile(times, 50))),
                            times.isEmpty() ? "-" : String.format("%.1f s", seconds(times.getLast()))));
                });
        List<Duration> slowed = sagas.stream()
                .filter(saga -> kills.stream().anyMatch(saga::overlaps))
                .map(Saga::duration)
                .sorted()
                .toList();
        List<Duration> undisturbed = sagas.stream()
                .filter(saga -> kills.stream().noneMatch(saga::overlaps))
                .map(Saga::duration)
                .sorted()
                .toList();
        table.append(String.format(
                "orders: %d accepted, sagas %s; of %d to be approved, %d not approved%n",
                orders.size(),
                outcomes.statuses(orders),
                orders.stream().filter(order -> order.kind().approved()).count(),
                rejectedButApprovable));
        table.append(String.format(
                "orders under way during a crash: %d, p50 %s, p99 %s, max %s; the others: %d, p50 %s, p99 %s%n",
                slowed.size(),
                format(percentile(slowed, 50)),
                format(percentile(slowed, 99)),
                format(slowed.isEmpty() ? null : slowed.getLast()),
                undisturbed.size(),
                format(percentile(undisturbed, 50)),
                format(percentile(undisturbed, 99))));
        table.append(String.format(
                "sagas not final: 0; ending wrong: %d; invariant violations (money, stock, shipments, mails): %d;"
                        + " dead letters: %d%n",
                wrong.size(), violations.size(), deadLetters));
        System.out.print(table);
    }

    /**
     * From the end of the restart to the first reply the restarted participant gave, or for the
     * other components to the first saga that ended afterwards.
     */
    private static @Nullable Duration recovery(Kill kill) {
        Timestamp first = kill.target().replies().isEmpty()
                ? orchestrator()
                        .sql("SELECT min(updated_at) FROM saga_instance"
                                + " WHERE status IN ('COMPLETED', 'COMPENSATED') AND updated_at > :after")
                        .param("after", Timestamp.from(kill.back()))
                        .query(Timestamp.class)
                        .single()
                : orchestrator()
                        .sql("SELECT min(at) FROM saga_step_log"
                                + " WHERE entry = 'REPLY' AND message_type IN (:types) AND at > :after")
                        .param("types", kill.target().replies())
                        .param("after", Timestamp.from(kill.back()))
                        .query(Timestamp.class)
                        .single();
        return first == null ? null : Duration.between(kill.back(), first.toInstant());
    }

    private static List<Saga> sagas(List<Accepted> orders) {
        return orchestrator()
                .sql("SELECT created_at, updated_at FROM saga_instance WHERE id IN (:ids)")
                .param(
                        "ids",
                        orders.stream().map(order -> order.placed().sagaId()).toList())
                .query((rows, n) -> new Saga(
                        rows.getTimestamp("created_at").toInstant(),
                        rows.getTimestamp("updated_at").toInstant()))
                .list();
    }

    private static JdbcClient orchestrator() {
        return JdbcClient.create(system.dataSource(Service.ORCHESTRATOR));
    }

    private static @Nullable Duration percentile(List<Duration> sorted, int percent) {
        if (sorted.isEmpty()) {
            return null;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.clamp(index, 0, sorted.size() - 1));
    }

    private static String format(@Nullable Duration duration) {
        return duration == null ? "-" : String.format("%.2f s", seconds(duration));
    }

    private static int between(Random random, int from, int to) {
        return from + random.nextInt(to - from + 1);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * A component, how to kill it and start it again, the replies that show it is back, and
     * whether it is infrastructure every service needs (it goes down alone).
     */
    private record Target(String name, Runnable kill, Runnable restart, Set<String> replies, boolean infrastructure) {

        @Override
        public String toString() {
            return name;
        }
    }

    /** One crash: when the component was killed, when its restart began, and when it was ready. */
    private record Kill(Target target, Instant killed, Instant restarting, Instant back) {}

    /** When a saga started and ended. */
    private record Saga(Instant created, Instant ended) {

        Duration duration() {
            return Duration.between(created, ended);
        }

        /** Whether the saga was under way while the component was down. */
        boolean overlaps(Kill kill) {
            return created.isBefore(kill.back()) && ended.isAfter(kill.killed());
        }
    }
}
