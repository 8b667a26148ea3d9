package io.sagaline.shipment.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.MalformedMessageException;
import io.sagaline.messaging.MessageHeaders;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentFailed;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentScheduled;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.Records;
import io.sagaline.testing.ServiceProperties;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import io.sagaline.testing.TestRelay;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/** Commands in on Kafka, replies out through the outbox and the real relay. */
@SpringBootTest(properties = "sagaline.messaging.topics.create=false")
class ShipmentCommandsIT {

    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);
    static final String RUN = UUID.randomUUID().toString();
    static final String COMMANDS = "shipment.commands.it-" + RUN;
    static final String REPLIES = "saga.replies.it-" + RUN;

    static TestDatabase database;
    static TestRelay relay;
    static Records replies;
    static KafkaProducer<String, String> producer;

    @Autowired
    EnvelopeCodec codec;

    @Autowired
    Carriers carriers;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void startRelayAndTopics() {
        var kafka = TestInfrastructure.kafka();
        kafka.createTopics(3, COMMANDS, COMMANDS + ".dlt", REPLIES);
        database = TestInfrastructure.postgres().createDatabase(PostgresServer.uniqueName("shipment"));
        // Before the service starts: it holds its start until the relay's slot exists.
        relay = TestRelay.start(kafka.bootstrapServers(), List.of(database));
        replies = Records.consume(kafka.bootstrapServers(), REPLIES);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterAll
    static void stopAll() {
        producer.close();
        replies.close();
        relay.close();
        TestInfrastructure.postgres().dropDatabase(database.name());
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServiceProperties.connect(registry, database);
        registry.add("spring.kafka.consumer.auto-offset-reset", () -> "earliest");
        registry.add("sagaline.shipment.commands-topic", () -> COMMANDS);
        registry.add("sagaline.shipment.replies-topic", () -> REPLIES);
        registry.add("sagaline.shipment.consumer-group", () -> "shipment-svc-it-" + RUN);
    }

    @TestConfiguration
    static class FixedClock {
        @Bean
        Clock testClock() {
            return Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC);
        }
    }

    @Test
    void schedulesAShipmentWithACarrierServingTheRegion() {
        String region = uniqueRegion();
        String carrier = register(region, 5);
        Envelope command = commands().schedule(UUID.randomUUID(), region);

        send(command);

        Envelope reply = awaitReplies(command, 1).getFirst();
        assertThat(reply.type()).isEqualTo("ShipmentScheduled");
        assertThat(reply.inReplyTo()).isEqualTo(command.messageId());
        var scheduled = codec.payload(reply, ShipmentScheduled.class);
        assertThat(scheduled.orderId()).isEqualTo(command.sagaId().value());
        assertThat(scheduled.carrier()).isEqualTo(carrier);
        assertThat(scheduled.trackingNumber()).startsWith("SGL");
        assertThat(jdbc.sql("SELECT status FROM shipment WHERE id = :id")
                        .param("id", scheduled.shipmentId())
                        .query(String.class)
                        .single())
                .isEqualTo("ACTIVE");
    }

    @Test
    void failsWhenNoCarrierServesTheRegion() {
        Envelope command = commands().schedule(UUID.randomUUID(), uniqueRegion());

        send(command);

        Envelope reply = awaitReplies(command, 1).getFirst();
        assertThat(reply.type()).isEqualTo("ShipmentFailed");
        assertThat(codec.payload(reply, ShipmentFailed.class).reason()).contains("no carrier serves region");
        assertThat(shipmentsOf(command)).isZero();
    }

    @Test
    void deadLettersACommandWithoutDestinationAtOnceAndHandlesTheNextOne() {
        String region = uniqueRegion();
        register(region, 5);
        UUID orderId = UUID.randomUUID();
        Envelope valid = commands().schedule(orderId, region);
        var payload = valid.payload().deepCopy();
        ((ObjectNode) payload).remove("destination");
        Envelope missing =
                Envelope.command(valid.sagaId(), valid.type(), payload, valid.idempotencyKey() + ":bad", Instant.now());

        try (Records deadLetters = Records.consume(TestInfrastructure.kafka().bootstrapServers(), COMMANDS + ".dlt")) {
            send(missing);
            send(valid); // same saga, same partition: it must not wait behind the bad one

            assertThat(awaitReplies(valid, 1).getFirst().type()).isEqualTo("ShipmentScheduled");
            var dead = deadLetters.awaitCount(1, REPLY_TIMEOUT);
            assertThat(codec.decode(dead.getFirst().value()).messageId()).isEqualTo(missing.messageId());
            assertThat(new String(
                            dead.getFirst()
                                    .headers()
                                    .lastHeader(MessageHeaders.DEAD_LETTER_REASON)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo("ScheduleShipment payload is invalid: destination must not be null");
            // Malformed: never retried, so dead-lettered on its first delivery, and once.
            assertThat(new String(
                            dead.getFirst()
                                    .headers()
                                    .lastHeader(MessageHeaders.DEAD_LETTER_EXCEPTION)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo(MalformedMessageException.class.getName());
            assertThat(deadLetters.records()).hasSize(1);
        }
        assertThat(repliesTo(missing)).isEmpty();
        assertThat(shipmentsOf(valid)).isEqualTo(1);
    }

    @Test
    void failsWhenEveryCarrierOfTheRegionIsFullToday() {
        String region = uniqueRegion();
        register(region, 1);
        Envelope first = commands().schedule(UUID.randomUUID(), region);
        Envelope second = commands().schedule(UUID.randomUUID(), region);

        send(first);
        awaitReplies(first, 1);
        send(second);

        Envelope reply = awaitReplies(second, 1).getFirst();
        assertThat(reply.type()).isEqualTo("ShipmentFailed");
        assertThat(codec.payload(reply, ShipmentFailed.class).reason()).contains("has capacity left");
        assertThat(shipmentsOf(second)).isZero();
    }

    @Test
    void aCommandDeliveredTwiceBooksOnceAndRepliesOnce() {
        String region = uniqueRegion();
        register(region, 5);
        Envelope command = commands().schedule(UUID.randomUUID(), region);

        send(command);
        send(command);
        awaitReplies(command, 1);
        // The duplicate is consumed after the first on the same partition; once a later command of
        // the same saga is answered, the duplicate has been handled too.
        Envelope marker = commands().cancel(UUID.randomUUID());
        send(new Envelope(
                marker.messageId(),
                command.sagaId(),
                marker.type(),
                marker.payload(),
                marker.idempotencyKey(),
                null,
                null,
                null,
                marker.createdAt()));
        await().atMost(REPLY_TIMEOUT)
                .until(() -> repliesWithKey(marker.idempotencyKey()).size() == 1);

        assertThat(repliesTo(command)).hasSize(1);
        assertThat(shipmentsOf(command)).isEqualTo(1);
    }

    @Test
    void aRetriedCommandGetsTheSameReplyAndBooksNothingMore() {
        String region = uniqueRegion();
        register(region, 5);
        Envelope command = commands().schedule(UUID.randomUUID(), region);
        send(command);
        Envelope first = awaitReplies(command, 1).getFirst();

        send(Commands.retried(command));

        List<Envelope> both = awaitReplies(command, 2);
        assertThat(both.get(1).type()).isEqualTo(first.type());
        assertThat(both.get(1).payload()).isEqualTo(first.payload());
        assertThat(shipmentsOf(command)).isEqualTo(1);
        assertThat(bookedIn(region)).isEqualTo(1);
    }

    @Test
    void cancellingFreesTheSlotAndRepliesCancelled() {
        String region = uniqueRegion();
        register(region, 1);
        UUID orderId = UUID.randomUUID();
        Envelope schedule = commands().schedule(orderId, region);
        send(schedule);
        awaitReplies(schedule, 1);

        Envelope cancel = commands().cancel(orderId);
        send(cancel);

        assertThat(awaitReplies(cancel, 1).getFirst().type()).isEqualTo("ShipmentCancelled");
        assertThat(statusOf(orderId)).isEqualTo("CANCELLED");
        assertThat(bookedIn(region)).isZero();
    }

    @Test
    void cancellingTwiceRepliesCancelledBothTimesAndFreesOneSlot() {
        String region = uniqueRegion();
        register(region, 2);
        UUID orderId = UUID.randomUUID();
        Envelope other = commands().schedule(UUID.randomUUID(), region);
        Envelope schedule = commands().schedule(orderId, region);
        send(other);
        send(schedule);
        awaitReplies(other, 1);
        awaitReplies(schedule, 1);

        Envelope cancel = commands().cancel(orderId);
        send(cancel);
        awaitReplies(cancel, 1);
        // A second compensation, as a new command under another key, must be a no-op success.
        Envelope again = Commands.withKey(commands().cancel(orderId), orderId + ":3:cancel:again");
        send(again);

        assertThat(awaitReplies(again, 1).getFirst().type()).isEqualTo("ShipmentCancelled");
        assertThat(statusOf(orderId)).isEqualTo("CANCELLED");
        assertThat(bookedIn(region)).isEqualTo(1);
    }

    @Test
    void cancellingBeforeSchedulingSucceedsAndALateScheduleBooksNothing() {
        String region = uniqueRegion();
        register(region, 5);
        UUID orderId = UUID.randomUUID();
        Envelope cancel = commands().cancel(orderId);

        send(cancel);
        assertThat(awaitReplies(cancel, 1).getFirst().type()).isEqualTo("ShipmentCancelled");
        Envelope lateSchedule = commands().schedule(orderId, region);
        send(lateSchedule);

        assertThat(awaitReplies(lateSchedule, 1).getFirst().type()).isEqualTo("ShipmentFailed");
        assertThat(shipmentsOf(lateSchedule)).isZero();
        assertThat(bookedIn(region)).isZero();
    }

    private Commands commands() {
        return new Commands(codec);
    }

    private String register(String region, int capacity) {
        return carriers.register("carrier-" + UUID.randomUUID(), List.of(region), capacity)
                .orElseThrow()
                .name();
    }

    private static String uniqueRegion() {
        return "region-" + UUID.randomUUID();
    }

    private void send(Envelope command) {
        producer.send(new ProducerRecord<>(COMMANDS, command.sagaId().toString(), codec.encode(command)));
        producer.flush();
    }

    private List<Envelope> awaitReplies(Envelope command, int count) {
        await().atMost(REPLY_TIMEOUT).until(() -> repliesTo(command).size() >= count);
        return repliesTo(command);
    }

    private List<Envelope> repliesTo(Envelope command) {
        return repliesWithKey(command.idempotencyKey());
    }

    private List<Envelope> repliesWithKey(String idempotencyKey) {
        return replies.records().stream()
                .map(record -> codec.decode(record.value()))
                .filter(reply -> reply.idempotencyKey().equals(idempotencyKey))
                .toList();
    }

    private int shipmentsOf(Envelope command) {
        return jdbc.sql("SELECT count(*) FROM shipment WHERE order_id = :order")
                .param("order", command.sagaId().value())
                .query(Integer.class)
                .single();
    }

    private String statusOf(UUID orderId) {
        return jdbc.sql("SELECT status FROM shipment WHERE order_id = :order")
                .param("order", orderId)
                .query(String.class)
                .single();
    }

    private int bookedIn(String region) {
        return jdbc.sql("""
                        SELECT COALESCE(sum(l.booked), 0)::int FROM carrier_day_load l
                        JOIN carrier_region r ON r.carrier_id = l.carrier_id WHERE r.region = :region
                        """).param("region", region).query(Integer.class).single();
    }
}
