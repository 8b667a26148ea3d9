package io.sagaline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.MessageHeaders;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.Address;
import io.sagaline.messaging.contract.InventoryMessages.ReleaseInventory;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.messaging.contract.OrderLine;
import io.sagaline.messaging.contract.OrderMessages.PlaceOrder;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.messaging.contract.PaymentMessages.VoidAuthorization;
import io.sagaline.messaging.contract.ShipmentMessages.CancelShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentScheduled;
import io.sagaline.testing.Records;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fuzz of every topic a service consumes: valid envelopes mixed with envelopes whose payload
 * has one constrained field removed, nulled, blanked, made negative, retyped or oversized. Every
 * invalid one must land on its topic's dead-letter topic exactly once, on its first delivery,
 * with a reason naming its type; every valid one must be handled once (a command answered by one
 * reply, an order request starting one saga, a well-formed reply to a saga that does not exist
 * dead-lettered as never applicable); the partitions keep moving. Prints what each topic was tried with (docs/e2e.md).
 */
class HostileMessagesIT {

    private static final long SEED = Long.getLong("sagaline.fuzz.seed", 20261204L);
    private static final int PER_TOPIC = Integer.getInteger("sagaline.fuzz.messages", 200);
    private static final Duration HANDLED_WITHIN = Duration.ofMinutes(3);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final EnvelopeCodec CODEC = new EnvelopeCodec(JSON);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static Sagaline system;

    @BeforeAll
    static void start() {
        system = Sagaline.start("hostile-messages");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    /** One message sent, and whether it was valid. */
    private record Sent(String topic, Envelope envelope, String value, boolean valid, String mutation) {}

    /** A valid payload of one type, made fresh for each message. */
    private record Sample(Class<? extends Record> type, Supplier<Record> payload) {}

    @Test
    void deadLettersEveryInvalidMessageOnceAndHandlesEveryValidOneOnce() {
        Random random = new Random(SEED);
        Address north = new Address("DE", "north", "Hamburg", "Hafenstrasse 1", "20359");
        Money price = Money.of(1999, "EUR");
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        samples.put(
                Topics.PAYMENT_COMMANDS,
                List.of(
                        new Sample(
                                AuthorizePayment.class, () -> new AuthorizePayment(UUID.randomUUID(), "nobody", price)),
                        new Sample(VoidAuthorization.class, () -> new VoidAuthorization(UUID.randomUUID()))));
        samples.put(
                Topics.INVENTORY_COMMANDS,
                List.of(
                        new Sample(
                                ReserveInventory.class,
                                () -> new ReserveInventory(
                                        UUID.randomUUID(), List.of(new OrderLine("NO-SUCH-SKU", 1, price)))),
                        new Sample(ReleaseInventory.class, () -> new ReleaseInventory(UUID.randomUUID()))));
        samples.put(
                Topics.SHIPMENT_COMMANDS,
                List.of(
                        new Sample(
                                ScheduleShipment.class,
                                () -> new ScheduleShipment(
                                        UUID.randomUUID(),
                                        new Address("DE", "nowhere", "Hamburg", "Hafenstrasse 1", "20359"),
                                        1)),
                        new Sample(CancelShipment.class, () -> new CancelShipment(UUID.randomUUID()))));
        samples.put(
                Topics.NOTIFICATION_COMMANDS,
                List.of(new Sample(
                        SendOrderConfirmation.class,
                        () -> new SendOrderConfirmation(
                                UUID.randomUUID(),
                                "fuzz@example.com",
                                List.of(new OrderLine("BOOK-1", 1, price)),
                                price))));
        samples.put(
                Topics.ORDERS_REQUESTS,
                List.of(new Sample(
                        PlaceOrder.class,
                        () -> new PlaceOrder(
                                "nobody",
                                List.of(new PlaceOrder.Line("BOOK-1", 1, 1999)),
                                "EUR",
                                north,
                                "fuzz@example.com"))));
        samples.put(
                Topics.SAGA_REPLIES,
                List.of(
                        new Sample(PaymentDeclined.class, () -> new PaymentDeclined(UUID.randomUUID(), "fuzz")),
                        new Sample(
                                ShipmentScheduled.class,
                                () -> new ShipmentScheduled(
                                        UUID.randomUUID(), UUID.randomUUID(), "Fuzz Post", "FZ-1"))));

        List<Sent> sent = new ArrayList<>();
        Map<String, Map<String, Integer>> mutations = new LinkedHashMap<>();
        String bootstrap = system.kafka().bootstrapServers();
        List<String> deadLetterTopics = samples.keySet().stream()
                .map(topic -> Topics.deadLetterOf(system.topic(topic)))
                .toList();
        try (var deadLetters = Records.consume(bootstrap, deadLetterTopics);
                var replies = Records.consume(bootstrap, system.topic(Topics.SAGA_REPLIES));
                var producer = Records.producer(bootstrap)) {
            samples.forEach((topic, kinds) -> {
                for (int i = 0; i < PER_TOPIC; i++) {
                    Sample sample = kinds.get(random.nextInt(kinds.size()));
                    ObjectNode payload =
                            (ObjectNode) JSON.valueToTree(sample.payload().get());
                    String mutation = random.nextBoolean() ? "valid" : mutate(sample.type(), payload, random);
                    Envelope envelope = envelope(topic, sample.type().getSimpleName(), payload);
                    String value = CODEC.encode(envelope);
                    producer.send(new ProducerRecord<>(
                            system.topic(topic), envelope.sagaId().toString(), value));
                    sent.add(new Sent(topic, envelope, value, mutation.equals("valid"), mutation));
                    mutations.computeIfAbsent(topic, t -> new LinkedHashMap<>()).merge(mutation, 1, Integer::sum);
                }
            });
            producer.flush();

            Set<String> commandTopics = Set.of(
                    Topics.PAYMENT_COMMANDS,
                    Topics.INVENTORY_COMMANDS,
                    Topics.SHIPMENT_COMMANDS,
                    Topics.NOTIFICATION_COMMANDS);
            JdbcClient orchestrator = JdbcClient.create(system.dataSource(Service.ORCHESTRATOR));
            await("every invalid message dead-lettered once and every valid one handled once")
                    .atMost(HANDLED_WITHIN)
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        Map<String, List<ConsumerRecord<String, String>>> deadById = byMessageId(deadLetters.records());
                        Map<String, Integer> repliesTo = new LinkedHashMap<>();
                        for (ConsumerRecord<String, String> reply : replies.records()) {
                            JsonNode inReplyTo = JSON.readTree(reply.value()).path("inReplyTo");
                            if (inReplyTo.isString()) {
                                repliesTo.merge(inReplyTo.asString(), 1, Integer::sum);
                            }
                        }
                        Set<String> sagasStarted = new HashSet<>(orchestrator
                                .sql("SELECT start_key FROM saga_instance")
                                .query(String.class)
                                .list());
                        for (Sent message : sent) {
                            String id = message.envelope().messageId().toString();
                            String what = message.mutation() + " "
                                    + message.envelope().type() + " on " + message.topic();
                            if (!message.valid()) {
                                assertThat(deadById.getOrDefault(id, List.of()))
                                        .as("dead letters of " + what)
                                        .singleElement()
                                        .satisfies(letter -> assertThat(
                                                        header(letter, MessageHeaders.DEAD_LETTER_REASON))
                                                .contains(message.envelope().type()));
                                continue;
                            }
                            if (message.topic().equals(Topics.SAGA_REPLIES)) {
                                // Well formed, but it answers a saga that does not exist: it can never
                                // be applied, so it is dead-lettered as well, saying so.
                                assertThat(deadById.getOrDefault(id, List.of()))
                                        .as("dead letters of " + what)
                                        .singleElement()
                                        .satisfies(
                                                letter -> assertThat(header(letter, MessageHeaders.DEAD_LETTER_REASON))
                                                        .contains("which does not exist"));
                                continue;
                            }
                            assertThat(deadById).as("dead letters of " + what).doesNotContainKey(id);
                            if (commandTopics.contains(message.topic())) {
                                assertThat(repliesTo.getOrDefault(id, 0))
                                        .as("replies to " + what)
                                        .isEqualTo(1);
                            } else if (message.topic().equals(Topics.ORDERS_REQUESTS)) {
                                assertThat(sagasStarted)
                                        .as("sagas started by " + what)
                                        .contains(id);
                            }
                        }
                    });
            // Besides those, only the participants' replies to the valid commands, which answer
            // sagas that do not exist either.
            Set<String> sentIds = new HashSet<>();
            sent.forEach(message -> sentIds.add(message.envelope().messageId().toString()));
            assertThat(deadLetters.records())
                    .filteredOn(letter -> !sentIds.contains(messageId(letter)))
                    .allSatisfy(letter -> {
                        assertThat(letter.topic()).isEqualTo(Topics.deadLetterOf(system.topic(Topics.SAGA_REPLIES)));
                        assertThat(header(letter, MessageHeaders.DEAD_LETTER_REASON))
                                .contains("which does not exist");
                    });
        }

        StringBuilder table = new StringBuilder("\nHostile messages (seed " + SEED + "):\n");
        table.append(
                "| topic | tried | valid, handled once | invalid, dead-lettered once | by kind |\n|---|---|---|---|---|\n");
        samples.keySet().forEach(topic -> {
            long valid = sent.stream()
                    .filter(m -> m.topic().equals(topic) && m.valid())
                    .count();
            table.append("| ")
                    .append(topic)
                    .append(" | ")
                    .append(PER_TOPIC)
                    .append(" | ")
                    .append(valid)
                    .append(" | ")
                    .append(PER_TOPIC - valid)
                    .append(" | ")
                    .append(mutations.get(topic))
                    .append(" |\n");
        });
        System.out.println(table);
    }

    /**
     * Breaks one constrained top-level field of {@code payload} in a way no reading can accept,
     * and says how.
     */
    private static String mutate(Class<? extends Record> type, ObjectNode payload, Random random) {
        List<String> ways = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            Field field = field(type, component.getName());
            String name = component.getName();
            Class<?> javaType = component.getType();
            boolean required = field.isAnnotationPresent(NotNull.class)
                    || field.isAnnotationPresent(NotBlank.class)
                    || field.isAnnotationPresent(NotEmpty.class);
            if (required) {
                ways.add("removed " + name);
                ways.add("null " + name);
                ways.add("retyped " + name);
            }
            if (field.isAnnotationPresent(NotBlank.class)) {
                ways.add("blank " + name);
            }
            if (javaType.isPrimitive()
                    && (field.isAnnotationPresent(Positive.class) || field.isAnnotationPresent(PositiveOrZero.class))) {
                ways.add("negative " + name);
            }
            Size size = field.getAnnotation(Size.class);
            if (size != null && javaType == String.class) {
                ways.add("oversized " + name);
            }
        }
        String way = ways.get(random.nextInt(ways.size()));
        String name = way.substring(way.indexOf(' ') + 1);
        JsonNode value = payload.get(name);
        switch (way.substring(0, way.indexOf(' '))) {
            case "removed" -> payload.remove(name);
            case "null" -> payload.putNull(name);
            case "blank" -> payload.put(name, " ");
            case "negative" -> payload.put(name, -1);
            case "oversized" ->
                payload.put(
                        name,
                        "x".repeat(field(type, name).getAnnotation(Size.class).max() + 1));
            default ->
                payload.set(
                        name,
                        value.isObject() || value.isArray()
                                ? NODES.stringNode("x")
                                : NODES.objectNode().put("x", 1));
        }
        return way.substring(0, way.indexOf(' '));
    }

    private static Field field(Class<?> type, String name) {
        try {
            return type.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(type + " has no field " + name, e);
        }
    }

    private static Envelope envelope(String topic, String type, JsonNode payload) {
        Envelope command =
                Envelope.command(SagaId.random(), type, payload, UUID.randomUUID() + ":1:forward", Instant.now());
        // A reply names the request it answers; here one nobody sent.
        return topic.equals(Topics.SAGA_REPLIES) ? command.reply(type, payload, Instant.now()) : command;
    }

    private static Map<String, List<ConsumerRecord<String, String>>> byMessageId(
            List<ConsumerRecord<String, String>> records) {
        Map<String, List<ConsumerRecord<String, String>>> byId = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            byId.computeIfAbsent(messageId(record), key -> new ArrayList<>()).add(record);
        }
        return byId;
    }

    private static String messageId(ConsumerRecord<String, String> record) {
        return JSON.readTree(record.value()).path("messageId").asString();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
