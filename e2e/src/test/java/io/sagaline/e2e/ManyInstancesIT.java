package io.sagaline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.e2e.OrderStream.Accepted;
import io.sagaline.e2e.Shop.Placed;
import io.sagaline.testing.TestInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two instances of every service (orchestrator and participants) beside the relay, each kind in
 * one consumer group: orders must spread over the instances, and with one instance of each kind
 * (and then the relay) killed with {@code SIGKILL} in turn while orders stream, every saga must
 * still end as its order calls for, nothing may be dead-lettered, and the invariant checker must
 * find nothing wrong.
 *
 * <p>About four minutes on two cores, eleven JVMs: tagged {@value CrashesIT#SLOW}, run with {@code
 * -Pslow-e2e}.
 */
@Tag(CrashesIT.SLOW)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManyInstancesIT {

    private static final int INSTANCES = 2;
    private static final int ORDERS_PER_SECOND = 10;
    /** Orders streamed while each killed instance is down, at the stream's rate. */
    private static final int WHILE_DOWN = 20;

    private static final Duration FINAL_TIMEOUT = Duration.ofMinutes(5);
    private static final String CONSUMED = "kafka_consumer_fetch_manager_records_consumed_total{";

    private static Sagaline system;
    private static Invariants invariants;
    private static StreamOutcomes outcomes;
    private static final List<Placed> placed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        system = Sagaline.startWithInstances(
                "instances", TestInfrastructure.postgres(), TestInfrastructure.kafka(), INSTANCES);
        Stock.forLongStreams(system, 3_000);
        invariants = Invariants.of(system);
        outcomes = new StreamOutcomes(system);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void spreadsTheWorkOverEveryInstance() {
        List<double[]> before = consumedByInstance();

        List<Accepted> orders = stream("no fault", 60, stream -> {});

        List<String> idle = new ArrayList<>();
        List<double[]> after = consumedByInstance();
        for (Service service : Service.values()) {
            StringBuilder line = new StringBuilder("[instances] " + service.module() + " records consumed:");
            for (int instance = 0; instance < INSTANCES; instance++) {
                double consumed = after.get(service.ordinal())[instance] - before.get(service.ordinal())[instance];
                line.append(String.format(" instance %d %.0f", instance + 1, consumed));
                if (consumed <= 0) {
                    idle.add(service.module() + " instance " + (instance + 1));
                }
            }
            System.out.println(line);
        }
        assertThat(orders).isNotEmpty();
        assertThat(idle)
                .as("instances that consumed nothing while %d orders ran", orders.size())
                .isEmpty();
    }

    @Test
    @Order(2)
    void endsEverySagaWhileOneInstanceOfEachKindIsKilledInTurn() {
        stream("one instance of each kind killed in turn", 20, stream -> {
            for (Service service : Service.values()) {
                int startedBefore = stream.started();
                long killedAt = System.nanoTime();
                system.kill9(service, 1);
                stream.awaitStarted(startedBefore + WHILE_DOWN);
                system.restart(service, 1);
                System.out.printf(
                        "[instances] %s instance 2 killed and back after %.1f s%n",
                        service.module(), (System.nanoTime() - killedAt) / 1e9);
            }
            // The relay runs once per slot: it is the one instance of its kind.
            int startedBefore = stream.started();
            long killedAt = System.nanoTime();
            system.relay().kill9();
            stream.awaitStarted(startedBefore + WHILE_DOWN);
            system.relay().restart();
            System.out.printf(
                    "[instances] the relay killed and back after %.1f s%n", (System.nanoTime() - killedAt) / 1e9);
        });
    }

    /**
     * Streams orders; once {@code before} are under way does {@code fault}, then {@code before}
     * more; waits until every saga is final and checks each of them and the whole system.
     */
    private static List<Accepted> stream(String what, int before, Consumer<OrderStream> fault) {
        List<Accepted> orders;
        try (OrderStream stream = OrderStream.start(system, ORDERS_PER_SECOND)) {
            try {
                stream.awaitStarted(before);
                fault.accept(stream);
                stream.awaitStarted(stream.started() + before);
                orders = stream.stop();
            } finally {
                placed.addAll(stream.accepted().stream().map(Accepted::placed).toList());
            }
        }
        outcomes.awaitFinal(orders, "every saga of the stream", FINAL_TIMEOUT);
        long deadLetters = system.deadLetters();
        System.out.printf(
                "[instances] %s: %d orders; sagas %s; slowest %.1f s; %d dead letters%n",
                what, orders.size(), outcomes.statuses(orders), outcomes.slowestSagaSeconds(orders), deadLetters);

        outcomes.assertEndedRight(orders, placed, deadLetters, invariants);
        return orders;
    }

    /** Per service (by ordinal), per instance: the Kafka records its consumers have taken so far. */
    private static List<double[]> consumedByInstance() {
        List<double[]> all = new ArrayList<>();
        for (Service service : Service.values()) {
            double[] byInstance = new double[INSTANCES];
            for (int instance = 0; instance < INSTANCES; instance++) {
                byInstance[instance] = consumed(system.metrics(service, instance));
            }
            all.add(byInstance);
        }
        return all;
    }

    /**
     * The records the instance's consumers have taken. Kafka reports each consumer's count in all
     * and per topic under one name; Prometheus keeps only the series of the tag keys it saw first,
     * which differs from one process to the next, so whichever of the two sums is there counts.
     */
    private static double consumed(String prometheus) {
        double inAll = 0;
        double perTopic = 0;
        for (String line :
                prometheus.lines().filter(line -> line.startsWith(CONSUMED)).toList()) {
            double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (line.contains("topic=\"")) {
                perTopic += value;
            } else {
                inAll += value;
            }
        }
        return Math.max(inAll, perTopic);
    }
}
