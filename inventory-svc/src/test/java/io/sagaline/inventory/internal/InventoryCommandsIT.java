package io.sagaline.inventory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.contract.InventoryMessages.AllocateInventory;
import io.sagaline.messaging.contract.InventoryMessages.InventoryAllocated;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReleased;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReservationFailed;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReserved;
import io.sagaline.messaging.contract.InventoryMessages.ReleaseInventory;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.OrderLine;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.Records;
import io.sagaline.testing.ServiceProperties;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import io.sagaline.testing.TestRelay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Commands on Kafka in, replies through the outbox and the real relay out. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class InventoryCommandsIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String COMMANDS = "inventory.commands.it-" + RUN;
    private static final String REPLIES = "saga.replies.inventory-it-" + RUN;
    private static final Money PRICE = Money.of(9_50, "EUR");
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);

    private static TestDatabase database;
    private static TestRelay relay;
    private static Records replies;
    private static KafkaProducer<String, String> producer;

    @Autowired
    EnvelopeCodec codec;

    @Autowired
    Stock stock;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void startRelay() {
        String kafka = TestInfrastructure.kafka().bootstrapServers();
        database = TestInfrastructure.postgres().createDatabase(PostgresServer.uniqueName("inventory"));
        TestInfrastructure.kafka().createTopics(1, COMMANDS, REPLIES);
        // Before the service starts: its start waits for the relay's slot (RelaySlotGate).
        relay = TestRelay.start(kafka, List.of(database));
        replies = Records.consume(kafka, REPLIES);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterAll
    static void stopRelay() {
        producer.close();
        replies.close();
        relay.close();
        TestInfrastructure.postgres().dropDatabase(database.name());
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServiceProperties.connect(registry, database);
        registry.add("spring.kafka.consumer.auto-offset-reset", () -> "earliest");
        registry.add("sagaline.inventory.commands-topic", () -> COMMANDS);
        registry.add("sagaline.inventory.replies-topic", () -> REPLIES);
        registry.add("sagaline.inventory.consumer-group", () -> "inventory-svc-it-" + RUN);
        registry.add("sagaline.inventory.expiry-interval", () -> "1h");
    }

    @Test
    void reservesUnitsAndRepliesWithTheirIds() {
        String sku = stocked(3);
        UUID order = UUID.randomUUID();

        var reply = replyTo(send(new ReserveInventory(order, List.of(new OrderLine(sku, 2, PRICE)))));

        var reserved = codec.payload(reply, InventoryReserved.class);
        assertThat(reserved.orderId()).isEqualTo(order);
        assertThat(reserved.unitIds()).hasSize(2);
        assertThat(unitsOf(order)).containsExactlyInAnyOrderElementsOf(reserved.unitIds());
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 1, 2, 0));
    }

    @Test
    void refusesAnUnknownSku() {
        UUID order = UUID.randomUUID();

        var reply = replyTo(send(new ReserveInventory(order, List.of(new OrderLine("NO-SUCH-" + RUN, 1, PRICE)))));

        assertThat(codec.payload(reply, InventoryReservationFailed.class).reason())
                .contains("unknown SKU NO-SUCH-" + RUN);
        assertThat(unitsOf(order)).isEmpty();
    }

    @Test
    void refusesWhenTheSkuHasTooFewUnits() {
        String sku = stocked(1);
        UUID order = UUID.randomUUID();

        var reply = replyTo(send(new ReserveInventory(order, List.of(new OrderLine(sku, 2, PRICE)))));

        assertThat(codec.payload(reply, InventoryReservationFailed.class).reason())
                .contains("not enough units of SKU " + sku);
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 1, 0, 0));
    }

    @Test
    void appliesACommandDeliveredTwiceOnceAndRepliesOnce() {
        String sku = stocked(3);
        UUID order = UUID.randomUUID();
        Envelope command = command(new ReserveInventory(order, List.of(new OrderLine(sku, 1, PRICE))), "reserve");

        produce(command);
        produce(command);
        // One partition: once a later command is answered, the duplicate has been consumed.
        replyTo(send(new ReleaseInventory(UUID.randomUUID())));

        assertThat(repliesTo(command)).hasSize(1);
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 2, 1, 0));
    }

    @Test
    void answersARetriedCommandWithTheSameReplyAndNoSecondEffect() {
        String sku = stocked(3);
        UUID order = UUID.randomUUID();
        var reserve = new ReserveInventory(order, List.of(new OrderLine(sku, 1, PRICE)));
        Envelope first = command(reserve, order + ":2:reserve");
        Envelope retry = command(reserve, order + ":2:reserve");

        var firstReply = replyTo(produce(first));
        var retryReply = replyTo(produce(retry));

        assertThat(retryReply.type()).isEqualTo(firstReply.type());
        assertThat(retryReply.payload()).isEqualTo(firstReply.payload());
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 2, 1, 0));
    }

    @Test
    void releasesTheReservedUnitsOnceWhenReleasedTwice() {
        String sku = stocked(3);
        UUID order = UUID.randomUUID();
        replyTo(send(new ReserveInventory(order, List.of(new OrderLine(sku, 2, PRICE)))));

        var first = replyTo(send(new ReleaseInventory(order)));
        var second = replyTo(send(new ReleaseInventory(order)));

        assertThat(codec.payload(first, InventoryReleased.class)).isEqualTo(new InventoryReleased(order, 2));
        assertThat(codec.payload(second, InventoryReleased.class)).isEqualTo(new InventoryReleased(order, 0));
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 3, 0, 0));
    }

    @Test
    void releaseBeforeReserveSucceedsAndRefusesTheLateReservation() {
        String sku = stocked(2);
        UUID order = UUID.randomUUID();

        var released = replyTo(send(new ReleaseInventory(order)));
        var late = replyTo(send(new ReserveInventory(order, List.of(new OrderLine(sku, 1, PRICE)))));

        assertThat(codec.payload(released, InventoryReleased.class)).isEqualTo(new InventoryReleased(order, 0));
        assertThat(codec.payload(late, InventoryReservationFailed.class).reason())
                .contains("released before it was reserved");
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 2, 0, 0));
    }

    @Test
    void allocatesTheReservedUnitsAndRepeatsTheAnswerForASecondAllocate() {
        String sku = stocked(3);
        UUID order = UUID.randomUUID();
        replyTo(send(new ReserveInventory(order, List.of(new OrderLine(sku, 2, PRICE)))));

        var first = replyTo(send(new AllocateInventory(order)));
        var second = replyTo(send(new AllocateInventory(order)));
        var releaseAfterSale = replyTo(send(new ReleaseInventory(order)));

        assertThat(codec.payload(first, InventoryAllocated.class)).isEqualTo(new InventoryAllocated(order, 2));
        assertThat(codec.payload(second, InventoryAllocated.class)).isEqualTo(new InventoryAllocated(order, 2));
        assertThat(codec.payload(releaseAfterSale, InventoryReleased.class).units())
                .isZero();
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 1, 0, 2));
    }

    @Test
    void fiftyReservationsOverKafkaForTenUnitsReserveEachUnitOnce() {
        String sku = stocked(10);
        List<Envelope> commands = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            commands.add(send(new ReserveInventory(UUID.randomUUID(), List.of(new OrderLine(sku, 1, PRICE)))));
        }

        List<Envelope> answers = commands.stream().map(this::replyTo).toList();

        List<UUID> units = answers.stream()
                .filter(reply -> reply.type().equals(MessageTypes.of(InventoryReserved.class)))
                .flatMap(reply -> codec.payload(reply, InventoryReserved.class).unitIds().stream())
                .toList();
        assertThat(units).hasSize(10).doesNotHaveDuplicates();
        assertThat(answers)
                .filteredOn(reply -> reply.type().equals(MessageTypes.of(InventoryReservationFailed.class)))
                .hasSize(40);
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 0, 10, 0));
    }

    private String stocked(int units) {
        String sku = "SKU-" + UUID.randomUUID().toString().substring(0, 8);
        stock.addUnits(sku, units, PRICE);
        return sku;
    }

    private List<UUID> unitsOf(UUID order) {
        return jdbc.sql("SELECT id FROM unit WHERE order_id = ?")
                .param(order)
                .query(UUID.class)
                .list();
    }

    private Envelope send(Record message) {
        return produce(command(message, UUID.randomUUID().toString()));
    }

    private Envelope command(Record message, String idempotencyKey) {
        return Envelope.command(
                SagaId.random(), MessageTypes.of(message), codec.toTree(message), idempotencyKey, Instant.now());
    }

    private Envelope produce(Envelope command) {
        producer.send(new ProducerRecord<>(COMMANDS, command.sagaId().toString(), codec.encode(command)));
        producer.flush();
        return command;
    }

    private Envelope replyTo(Envelope command) {
        return await("the reply to " + command.type())
                .atMost(REPLY_TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> repliesTo(command), found -> !found.isEmpty())
                .getFirst();
    }

    private List<Envelope> repliesTo(Envelope command) {
        return replies.records().stream()
                .map(record -> codec.decode(record.value()))
                .filter(reply -> command.messageId().equals(reply.inReplyTo()))
                .toList();
    }
}
