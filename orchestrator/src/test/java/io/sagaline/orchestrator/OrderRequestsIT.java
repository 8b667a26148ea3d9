package io.sagaline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.MessageHeaders;
import io.sagaline.messaging.MessageId;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.Address;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReserved;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.messaging.contract.OrderMessages.PlaceOrder;
import io.sagaline.testing.ApiClient;
import io.sagaline.testing.Records;
import io.sagaline.testing.TestAccounts;
import io.sagaline.testing.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Orders placed over Kafka on the requests topic, as a client would send them: a valid request
 * starts its saga once however often it is delivered, and a request that can never start one (an
 * invalid order, a reused message id, a value that is not an envelope) goes to the dead-letter
 * topic without holding up the requests behind it. Likewise a reply for a saga that does not
 * exist.
 */
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class OrderRequestsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PLACE_ORDER = MessageTypes.of(PlaceOrder.class);
    private static final EnvelopeCodec CODEC =
            new EnvelopeCodec(JsonMapper.builder().build());

    private static TestRun run;
    private static RelayedRun system;
    private static StandInParticipants standIns;
    private static KafkaProducer<String, String> producer;
    private static Records requestDeadLetters;
    private static Records replyDeadLetters;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    private ApiClient api;

    @BeforeAll
    static void startRelay() {
        String kafka = TestInfrastructure.kafka().bootstrapServers();
        system = RelayedRun.start("order-requests-it");
        run = system.run();
        standIns = system.standIns();
        producer = Records.producer(kafka);
        requestDeadLetters = Records.consume(kafka, Topics.deadLetterOf(run.requests()));
        replyDeadLetters = Records.consume(kafka, Topics.deadLetterOf(run.replies()));
    }

    @AfterAll
    static void stop() {
        replyDeadLetters.close();
        requestDeadLetters.close();
        producer.close();
        system.close();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        run.register(registry);
    }

    @BeforeEach
    void client() {
        api = new ApiClient("http://127.0.0.1:" + port).as(TestAccounts.CLIENT);
    }

    @Test
    void startsTheSagaOfARequestUnderItsSagaIdAndCompletesIt() {
        String customer = customer();
        Envelope request = placeOrder(order(customer));

        send(request);
        JsonNode saga = awaitStatus(request.sagaId(), "COMPLETED");

        assertThat(sagasStartedBy(request)).isOne();
        assertThat(jdbc.sql("SELECT id FROM saga_instance WHERE start_key = :key")
                        .param("key", request.messageId().toString())
                        .query(UUID.class)
                        .single())
                .isEqualTo(request.sagaId().value());
        assertThat(saga.get("type").asString()).isEqualTo("order");
        assertThat(standIns.types(request.sagaId()))
                .startsWith("AuthorizePayment")
                .endsWith("SendOrderConfirmation");
        JsonNode order = api.get(
                        "/api/orders/" + saga.get("payload").get("orderId").asString())
                .json();
        assertThat(order.get("status").asString()).isEqualTo("APPROVED");
        assertThat(order.get("sagaId").asString()).isEqualTo(request.sagaId().toString());
        assertThat(order.get("customerId").asString()).isEqualTo(customer);
        assertThat(order.get("total").get("amountMinor").asLong()).isEqualTo(3399);
        assertThat(order.get("total").get("currency").asString()).isEqualTo("EUR");
    }

    @Test
    void startsOneSagaForARequestDeliveredTwice() {
        int partition = 0;
        Envelope request = placeOrder(order(customer()));
        Envelope after = placeOrder(order(customer()));

        send(request, partition);
        send(request, partition);
        // Behind both on their partition: once it has run, so have they.
        send(after, partition);
        awaitStatus(after.sagaId(), "COMPLETED");

        assertThat(sagasStartedBy(request)).isOne();
        assertThat(awaitStatus(request.sagaId(), "COMPLETED").get("sagaId").asString())
                .isEqualTo(request.sagaId().toString());
        assertThat(standIns.types(request.sagaId())).containsOnlyOnce("AuthorizePayment");
        assertThat(deadLettersOf(requestDeadLetters, request.sagaId())).isEmpty();
    }

    @Test
    void deadLettersARequestThatReusesAMessageIdForAnotherOrder() {
        int partition = 1;
        Envelope first = placeOrder(order(customer()));
        Envelope reused = new Envelope(
                first.messageId(),
                SagaId.random(),
                PLACE_ORDER,
                CODEC.toTree(order(customer())),
                first.idempotencyKey(),
                null,
                null,
                null,
                Instant.now());
        Envelope after = placeOrder(order(customer()));

        send(first, partition);
        send(reused, partition);
        send(after, partition);

        ConsumerRecord<String, String> deadLetter = awaitDeadLetter(requestDeadLetters, reused.sagaId());
        assertThat(deadLetter.value()).isEqualTo(CODEC.encode(reused));
        assertThat(reason(deadLetter)).contains(first.messageId().toString()).contains("different request");
        awaitStatus(first.sagaId(), "COMPLETED");
        awaitStatus(after.sagaId(), "COMPLETED");
        assertThat(sagasStartedBy(first)).isOne();
        assertThat(sagaExists(reused.sagaId())).isFalse();
        assertThat(api.get("/api/sagas/" + reused.sagaId()).status()).isEqualTo(404);
    }

    @Test
    void deadLettersRequestsThatCanNeverStartASagaAndKeepsThePartitionMoving() {
        int partition = 2;
        Envelope invalid = placeOrder(new PlaceOrder(
                customer(), List.of(new PlaceOrder.Line("BOOK-1", 0, 1250)), "EUR", address(), "invalid@example.com"));
        SagaId notJson = SagaId.random();
        Envelope unknownType = new Envelope(
                MessageId.random(),
                SagaId.random(),
                "CancelOrder",
                CODEC.toTree(order(customer())),
                "cancel-" + UUID.randomUUID(),
                null,
                null,
                null,
                Instant.now());
        Envelope valid = placeOrder(order(customer()));

        send(invalid, partition);
        send(new ProducerRecord<>(run.requests(), partition, notJson.toString(), "this is not an envelope"));
        send(unknownType, partition);
        send(valid, partition);

        assertThat(reason(awaitDeadLetter(requestDeadLetters, invalid.sagaId())))
                .contains("PlaceOrder payload is invalid")
                .contains("lines[0].quantity must be greater than 0");
        ConsumerRecord<String, String> garbage = awaitDeadLetter(requestDeadLetters, notJson);
        assertThat(garbage.value()).isEqualTo("this is not an envelope");
        assertThat(reason(garbage)).contains("not a Sagaline envelope");
        assertThat(reason(awaitDeadLetter(requestDeadLetters, unknownType.sagaId())))
                .contains("CancelOrder");
        awaitStatus(valid.sagaId(), "COMPLETED");
        assertThat(sagaExists(invalid.sagaId())).isFalse();
        assertThat(sagaExists(notJson)).isFalse();
        assertThat(sagaExists(unknownType.sagaId())).isFalse();
        assertThat(sagasStartedBy(invalid)).isZero();
        assertThat(sagasStartedBy(unknownType)).isZero();
    }

    @Test
    void deadLettersAReplyForASagaThatDoesNotExistAndAppliesTheOthers() {
        List<Envelope> orphans = List.of(orphanReply(), orphanReply(), orphanReply());

        // One on every partition, so that whichever partition the next saga's replies use, they
        // come after an orphan.
        for (int partition = 0; partition < TestRun.PARTITIONS; partition++) {
            Envelope orphan = orphans.get(partition);
            send(new ProducerRecord<>(run.replies(), partition, orphan.sagaId().toString(), CODEC.encode(orphan)));
        }

        for (Envelope orphan : orphans) {
            ConsumerRecord<String, String> deadLetter = awaitDeadLetter(replyDeadLetters, orphan.sagaId());
            assertThat(deadLetter.value()).isEqualTo(CODEC.encode(orphan));
            assertThat(reason(deadLetter)).contains(orphan.sagaId().toString()).contains("does not exist");
            assertThat(sagaExists(orphan.sagaId())).isFalse();
        }
        Envelope request = placeOrder(order(customer()));
        send(request);
        awaitStatus(request.sagaId(), "COMPLETED");
    }

    // Helpers

    /** A client's request: a new message id, which is its idempotency key, and the saga's id. */
    private static Envelope placeOrder(PlaceOrder order) {
        return Orders.request(order, CODEC);
    }

    /** A reply to a command no saga of this run sent. */
    private static Envelope orphanReply() {
        UUID orderId = UUID.randomUUID();
        Envelope command = Envelope.command(
                SagaId.random(),
                MessageTypes.of(ReserveInventory.class),
                CODEC.toTree(new ReserveInventory(orderId, List.of())),
                "orphan:2:forward",
                Instant.now());
        return command.reply(
                MessageTypes.of(InventoryReserved.class),
                CODEC.toTree(new InventoryReserved(orderId, List.of())),
                Instant.now());
    }

    /** Two books and a mug, 3399 minor units of EUR, as {@link Orders#order} places over REST. */
    private static PlaceOrder order(String customer) {
        return Orders.placeOrder(customer);
    }

    private static Address address() {
        return new Address("DE", "north", "Hamburg", "Hafenstrasse 1", "20359");
    }

    private static void send(Envelope request) {
        send(new ProducerRecord<>(run.requests(), request.sagaId().toString(), CODEC.encode(request)));
    }

    private static void send(Envelope request, int partition) {
        send(new ProducerRecord<>(run.requests(), partition, request.sagaId().toString(), CODEC.encode(request)));
    }

    private static void send(ProducerRecord<String, String> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + record.topic(), e);
        }
    }

    private static List<ConsumerRecord<String, String>> deadLettersOf(Records deadLetters, SagaId sagaId) {
        return deadLetters.records().stream()
                .filter(record -> sagaId.toString().equals(record.key()))
                .toList();
    }

    private static ConsumerRecord<String, String> awaitDeadLetter(Records deadLetters, SagaId sagaId) {
        return await().atMost(WAIT)
                .until(() -> deadLettersOf(deadLetters, sagaId), records -> !records.isEmpty())
                .getFirst();
    }

    private static String reason(ConsumerRecord<String, String> deadLetter) {
        Header reason = deadLetter.headers().lastHeader(MessageHeaders.DEAD_LETTER_REASON);
        assertThat(reason).as("the dead letter's reason").isNotNull();
        return new String(reason.value(), StandardCharsets.UTF_8);
    }

    private JsonNode awaitStatus(SagaId saga, String status) {
        return await().atMost(WAIT)
                .until(
                        () -> api.get("/api/sagas/" + saga),
                        response -> response.status() == 200
                                && response.json().get("status").asString().equals(status))
                .json();
    }

    private long sagasStartedBy(Envelope request) {
        return jdbc.sql("SELECT count(*) FROM saga_instance WHERE start_key = :key")
                .param("key", request.messageId().toString())
                .query(Long.class)
                .single();
    }

    private boolean sagaExists(SagaId saga) {
        return jdbc.sql("SELECT count(*) FROM saga_instance WHERE id = :id")
                        .param("id", saga.value())
                        .query(Long.class)
                        .single()
                > 0;
    }

    private static String customer() {
        return "customer-" + UUID.randomUUID();
    }
}
