package io.sagaline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.e2e.OrderStream.Accepted;
import io.sagaline.e2e.Shop.Placed;
import io.sagaline.messaging.MessageHeaders;
import io.sagaline.messaging.Topics;
import io.sagaline.testing.Records;
import io.sagaline.testing.TestConnect;
import io.sagaline.testing.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The outbox relayed by the Debezium connector of infra/connect/ on a Kafka Connect cluster of two
 * workers instead of the embedded relay: a stream of orders of every outcome, then the worker that
 * runs the connector's task killed with {@code SIGKILL} mid-stream, then a rolling restart of both
 * workers. Every saga must end as its order calls for, nothing may be dead-lettered, and the
 * invariant checker must find nothing wrong. The messages a crash makes the connector send twice
 * are counted from the topics; the consumers' inboxes absorb them.
 *
 * <p>About four minutes, most of it Connect's own start and rebalances: tagged {@value
 * CrashesIT#SLOW}, run with {@code -Pslow-e2e}.
 */
@Tag(CrashesIT.SLOW)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectRelayIT {

    private static final int ORDERS_PER_SECOND = 10;
    private static final int ORDERS = 40;
    private static final Duration FINAL_TIMEOUT = Duration.ofMinutes(5);

    private static Sagaline system;
    private static Invariants invariants;
    private static StreamOutcomes outcomes;
    private static Records messages;
    private static final List<Placed> placed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        system = Sagaline.startWithConnect("connect", TestInfrastructure.postgres(), TestInfrastructure.kafka());
        // A fault keeps the stream going for a minute or more at 10 orders a second.
        Stock.forLongStreams(system, 3_000);
        invariants = Invariants.of(system);
        outcomes = new StreamOutcomes(system);
        List<String> topics = List.of(
                        Topics.PAYMENT_COMMANDS,
                        Topics.INVENTORY_COMMANDS,
                        Topics.SHIPMENT_COMMANDS,
                        Topics.NOTIFICATION_COMMANDS,
                        Topics.SAGA_REPLIES)
                .stream()
                .map(system::topic)
                .toList();
        messages = Records.consume(system.kafka().bootstrapServers(), topics);
    }

    @AfterAll
    static void stop() {
        if (messages != null) {
            messages.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void endsOrdersOfEveryOutcomeThroughConnect() {
        streamAndCheck("no fault", () -> {});
    }

    @Test
    @Order(2)
    void movesTheTaskToTheOtherWorkerWhenItsWorkerIsKilledMidStream() {
        TestConnect connect = system.connect();
        String connector = system.connector();
        int[] moved = new int[2];
        streamAndCheck("worker kill -9", () -> {
            int worker = connect.workerOfTask(connector);
            long killedAt = System.nanoTime();
            connect.kill9(worker);
            int other = connect.awaitTaskMovedFrom(connector, worker);
            System.out.printf(
                    "[connect] killed worker %d; its task runs on worker %d after %.1f s%n",
                    worker, other, (System.nanoTime() - killedAt) / 1e9);
            moved[0] = worker;
            moved[1] = other;
            connect.startStopped();
        });
        assertThat(moved[1]).as("the worker the task moved to").isNotEqualTo(moved[0]);
    }

    @Test
    @Order(3)
    void keepsRelayingThroughARollingRestartOfBothWorkers() {
        TestConnect connect = system.connect();
        String connector = system.connector();
        streamAndCheck("rolling restart", () -> {
            for (int worker = 1; worker <= connect.workers(); worker++) {
                connect.stop(worker);
                connect.startStopped();
                connect.awaitRunning(connector);
            }
        });
    }

    /**
     * Streams {@link #ORDERS} orders and does {@code fault} once a quarter of them are under way;
     * then waits until every saga is final and checks each of them and the whole system.
     */
    private static void streamAndCheck(String what, Runnable fault) {
        int sentBefore = messages.records().size();
        List<Accepted> orders;
        try (OrderStream stream = OrderStream.start(system, ORDERS_PER_SECOND)) {
            try {
                stream.awaitStarted(ORDERS / 4);
                fault.run();
                stream.awaitStarted(ORDERS);
                orders = stream.stop();
            } finally {
                placed.addAll(stream.accepted().stream().map(Accepted::placed).toList());
            }
        }
        outcomes.awaitFinal(orders, "every saga of the stream", FINAL_TIMEOUT);
        long deadLetters = system.deadLetters();
        List<ConsumerRecord<String, String>> sent =
                messages.records().subList(sentBefore, messages.records().size());
        Set<String> distinct = new HashSet<>();
        long repeated =
                sent.stream().filter(record -> !distinct.add(messageId(record))).count();

        System.out.printf(
                "[connect] %s: %d orders %s; sagas %s; slowest %.1f s; %d messages relayed, %d of them again"
                        + " (absorbed by the inboxes); %d dead letters%n",
                what,
                orders.size(),
                OrderStream.byKind(orders),
                outcomes.statuses(orders),
                outcomes.slowestSagaSeconds(orders),
                sent.size(),
                repeated,
                deadLetters);

        outcomes.assertEndedRight(orders, placed, deadLetters, invariants);
    }

    private static String messageId(ConsumerRecord<String, String> record) {
        var header = record.headers().lastHeader(MessageHeaders.MESSAGE_ID);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
