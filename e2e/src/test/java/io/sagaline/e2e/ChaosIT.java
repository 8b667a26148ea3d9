package io.sagaline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.e2e.OrderStream.Accepted;
import io.sagaline.testing.DedicatedKafka;
import io.sagaline.testing.DedicatedPostgres;
import io.sagaline.testing.TestInfrastructure;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A long chaos run: a steady stream of orders while a random component is killed ({@code
 * SIGKILL}; PostgreSQL: immediate shutdown) every 15 to 35 s and started again with the same
 * command, every component in turn in a shuffled order. A crash that heals within a step's patience
 * must cost no order: at the end every saga is final, every order ends as its kind calls for (none
 * rejected that should have been approved), no message is dead-lettered, and the invariant checker
 * (money, stock, shipments, mails) finds nothing wrong. Prints a table of kills, recovery times,
 * outcomes and the latency the crashes added.
 *
 * <p>Tagged {@value #CHAOS}: it runs only with {@code -Pchaos} ({@code bench/chaos}). Settings are
 * system properties: {@code sagaline.chaos.orders} (2250), {@code sagaline.chaos.rate} (orders a
 * second, 5), {@code sagaline.chaos.seed} (random).
 */
@Tag(ChaosIT.CHAOS)
class ChaosIT {

    static final String CHAOS = "chaos";

    private static final int ORDERS = Integer.getInteger("sagaline.chaos.orders", 2_250);
    private static final int RATE = Integer.getInteger("sagaline.chaos.rate", 5);
    private static final long SEED = Long.getLong("sagaline.chaos.seed", new Random().nextLong());
    private static final int KILL_EVERY_MIN_SECONDS = 15;
    private static final int KILL_EVERY_MAX_SECONDS = 35;
    private static final int DOWN_MIN_SECONDS = 2;
    private static final int DOWN_MAX_SECONDS = 10;
    /** A crash near the end may leave sagas waiting out a step's patience or a mail's timeout. */
    private static final Duration FINAL_TIMEOUT = Duration.ofMinutes(10);

    private static DedicatedKafka kafka;
    private static DedicatedPostgres postgres;
    private static Sagaline system;
    private static Invariants invariants;
    private static StreamOutcomes outcomes;

    @BeforeAll
    static void start() {
        kafka = TestInfrastructure.dedicatedKafka("chaos-it");
        postgres = TestInfrastructure.dedicatedPostgres("chaos-it");
        system = Sagaline.start("chaos", postgres, kafka);
        Stock.forLongStreams(system, ORDERS);
        system.relay().awaitStreaming(Duration.ofMinutes(2));
        invariants = Invariants.of(system);
        outcomes = new StreamOutcomes(system);
    }

    @AfterAll
    static void stop() {
        try {
            if (system != null) {
                system.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Test
    void noCrashThatHealsCostsAnOrder() {
        List<Target> targets = targets();
        var random = new Random(SEED);
        List<Kill> kills = new CopyOnWriteArrayList<>();
        System.out.printf(
                "[chaos] %d orders at %d/s, a kill every %d to %d s, seed %d, on %d cores%n",
                ORDERS, RATE, KILL_EVERY_MIN_SECONDS, KILL_EVERY_MAX_SECONDS, SEED, cores());

        List<Accepted> orders;
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
                if (deck.isEmpty()) {
                    deck.addAll(targets);
                    Collections.shuffle(deck, random);
                }
                Target target = deck.removeFirst();
                Instant killed = Instant.now();
                target.kill().run();
                stream.awaitStarted(stream.started() + RATE * between(random, DOWN_MIN_SECONDS, DOWN_MAX_SECONDS));
                Instant restarting = Instant.now();
                target.restart().run();
                Kill kill = new Kill(target, killed, restarting, Instant.now());
                kills.add(kill);
                System.out.printf(
                        "[chaos] kill %d: %s down %.1f s (restart took %.1f s); %d of %d orders started%n",
                        kills.size(),
                        target.name(),
                        seconds(Duration.between(kill.killed(), kill.back())),
                        seconds(Duration.between(kill.restarting(), kill.back())),
                        stream.started(),
                        ORDERS);
            }
            stream.awaitStarted(ORDERS);
            orders = stream.stop();
        } finally {
            stream.close();
        }
        System.out.printf("[chaos] %d orders accepted; waiting for every saga to end%n", orders.size());
        outcomes.awaitFinal(orders, "every saga of the chaos run", FINAL_TIMEOUT);

        long deadLetters = system.deadLetters();
        List<String> wrong = outcomes.wrong(orders);
        long rejectedButApprovable = rejectedThatShouldHaveBeenApproved(orders);
        List<String> violations =
                invariants.violations(orders.stream().map(Accepted::placed).toList());
        printTable(kills, orders, wrong, rejectedButApprovable, violations, deadLetters);

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

    /** Every component, killed as {@link CrashesIT} kills it; replies name the participant that gave them. */
    private static List<Target> targets() {
        return List.of(
                service(Service.ORCHESTRATOR, Set.of()),
                service(Service.PAYMENT, Set.of("PaymentAuthorized", "PaymentCaptured", "AuthorizationVoided")),
                service(Service.INVENTORY, Set.of("InventoryReserved", "InventoryAllocated", "InventoryReleased")),
                service(Service.SHIPMENT, Set.of("ShipmentScheduled", "ShipmentCancelled")),
                service(Service.NOTIFICATION, Set.of("OrderConfirmationSent")),
                new Target("outbox relay", system.relay()::kill9, system.relay()::restart, Set.of()),
                new Target("Kafka broker", kafka::kill, kafka::start, Set.of()),
                new Target("PostgreSQL server", postgres::crash, postgres::start, Set.of()));
    }

    private static Target service(Service service, Set<String> replies) {
        return new Target(service.module(), () -> system.kill9(service), () -> system.restart(service), replies);
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

    /** A component, how to kill it and start it again, and the replies that show it is back. */
    private record Target(String name, Runnable kill, Runnable restart, Set<String> replies) {}

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
