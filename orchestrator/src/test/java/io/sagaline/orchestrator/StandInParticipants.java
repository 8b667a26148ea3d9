package io.sagaline.orchestrator;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.contract.InventoryMessages.AllocateInventory;
import io.sagaline.messaging.contract.InventoryMessages.InventoryAllocated;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReleased;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReserved;
import io.sagaline.messaging.contract.InventoryMessages.ReleaseInventory;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationSent;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.messaging.contract.OrderLine;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizationVoided;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentAuthorized;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptured;
import io.sagaline.messaging.contract.PaymentMessages.VoidAuthorization;
import io.sagaline.messaging.contract.ShipmentMessages.CancelShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentCancelled;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentScheduled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Stand-ins for the four participants, for the orchestrator's integration tests only: they read
 * commands from Kafka and answer on the replies topic as a script says, by customer. They keep no
 * state beyond what they received; the real services meet the orchestrator in {@code e2e}.
 */
final class StandInParticipants implements AutoCloseable {

    /** A command as a stand-in received it. */
    record Command(Envelope envelope, Record payload, String customerId) {

        SagaId sagaId() {
            return envelope.sagaId();
        }

        String type() {
            return envelope.type();
        }
    }

    /** What the stand-ins answer to a command: a reply, or {@code null} to stay silent. */
    @FunctionalInterface
    interface Script {

        @Nullable
        Record answer(Command command);

        /** Answers {@code type} with {@code reply} and everything else as this script does. */
        default <C extends Record> Script on(Class<C> type, Function<C, @Nullable Record> reply) {
            return command ->
                    type.isInstance(command.payload()) ? reply.apply(type.cast(command.payload())) : answer(command);
        }

        /** Never answers {@code type}. */
        default Script silentOn(Class<? extends Record> type) {
            return on(type, command -> null);
        }
    }

    /** Every action and compensation succeeds. */
    static final Script SUCCEED = command -> switch (command.payload()) {
        case AuthorizePayment authorize ->
            new PaymentAuthorized(
                    authorize.orderId(),
                    UUID.nameUUIDFromBytes(bytes(command.envelope().idempotencyKey())),
                    authorize.amount(),
                    Instant.now().plus(Duration.ofHours(2)));
        case ReserveInventory reserve ->
            new InventoryReserved(
                    reserve.orderId(),
                    IntStream.range(
                                    0,
                                    reserve.lines().stream()
                                            .mapToInt(OrderLine::quantity)
                                            .sum())
                            .mapToObj(unit -> UUID.nameUUIDFromBytes(bytes(reserve.orderId() + ":" + unit)))
                            .toList());
        case ScheduleShipment schedule ->
            new ShipmentScheduled(
                    schedule.orderId(),
                    UUID.nameUUIDFromBytes(bytes("shipment:" + schedule.orderId())),
                    "stand-in",
                    "TRACK-" + schedule.orderId());
        case CapturePayment capture -> new PaymentCaptured(capture.orderId(), capture.amount());
        case AllocateInventory allocate -> new InventoryAllocated(allocate.orderId(), 1);
        case SendOrderConfirmation confirm -> new OrderConfirmationSent(confirm.orderId());
        case VoidAuthorization voiding -> new AuthorizationVoided(voiding.orderId());
        case ReleaseInventory release -> new InventoryReleased(release.orderId(), 0);
        case CancelShipment cancel -> new ShipmentCancelled(cancel.orderId());
        default -> throw new IllegalArgumentException("no stand-in handles " + command.type());
    };

    private final EnvelopeCodec codec;
    private final String repliesTopic;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final Thread poller;
    private final List<Command> received = new ArrayList<>();
    private final Map<SagaId, String> customers = new ConcurrentHashMap<>();
    /** Commands that arrived before their saga's authorization, which names its customer; poller thread only. */
    private final Map<SagaId, List<Envelope>> beforeTheirCustomer = new HashMap<>();

    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private StandInParticipants(
            String bootstrapServers, Collection<String> commandTopics, String repliesTopic, EnvelopeCodec codec) {
        this.codec = codec;
        this.repliesTopic = repliesTopic;
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "stand-ins-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class));
        consumer.subscribe(List.copyOf(commandTopics));
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class));
        poller = Thread.ofPlatform().name("stand-in-participants").daemon().unstarted(this::poll);
    }

    static StandInParticipants start(
            String bootstrapServers, Collection<String> commandTopics, String repliesTopic, EnvelopeCodec codec) {
        var standIns = new StandInParticipants(bootstrapServers, commandTopics, repliesTopic, codec);
        standIns.poller.start();
        return standIns;
    }

    /** From now on, answers the commands of {@code customerId}'s orders as {@code script} says. */
    void script(String customerId, Script script) {
        scripts.put(customerId, script);
    }

    /** Every command received so far, in arrival order. */
    List<Command> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The commands of one saga received so far, in arrival order. */
    List<Command> received(SagaId sagaId) {
        return received().stream()
                .filter(command -> command.sagaId().equals(sagaId))
                .toList();
    }

    /** The types of one saga's commands received so far, in arrival order. */
    List<String> types(SagaId sagaId) {
        return received(sagaId).stream().map(Command::type).toList();
    }

    /** Answers {@code command} with {@code reply} now, whatever the script says; returns what was sent. */
    Envelope reply(Command command, Record reply) {
        Envelope envelope = command.envelope().reply(MessageTypes.of(reply), codec.toTree(reply), Instant.now());
        send(envelope);
        return envelope;
    }

    /** Sends {@code envelope} to the replies topic as it is, such as a reply once more. */
    void send(Envelope envelope) {
        try {
            producer.send(new ProducerRecord<>(repliesTopic, envelope.sagaId().toString(), codec.encode(envelope)))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + envelope.type(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            poller.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }

    private void poll() {
        try {
            while (!closed) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    handle(codec.decode(record.value()));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private void handle(Envelope envelope) {
        Class<? extends Record> type = MessageTypes.named(envelope.type())
                .orElseThrow(() -> new IllegalStateException("unknown command " + envelope.type()));
        Record payload = codec.payload(envelope, type);
        if (payload instanceof AuthorizePayment authorize) {
            customers.put(envelope.sagaId(), authorize.customerId());
            answer(envelope, payload);
            // Commands sent beside the authorization (a parallel group) may have come first.
            List<Envelope> early = beforeTheirCustomer.remove(envelope.sagaId());
            if (early != null) {
                early.forEach(this::handle);
            }
        } else if (customers.containsKey(envelope.sagaId())) {
            answer(envelope, payload);
        } else {
            // Only the authorization names the customer whose script answers: wait for it.
            beforeTheirCustomer
                    .computeIfAbsent(envelope.sagaId(), saga -> new ArrayList<>())
                    .add(envelope);
        }
    }

    private void answer(Envelope envelope, Record payload) {
        var command = new Command(envelope, payload, customers.get(envelope.sagaId()));
        synchronized (received) {
            received.add(command);
        }
        Record reply = scripts.getOrDefault(command.customerId(), SUCCEED).answer(command);
        if (reply != null) {
            reply(command, reply);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
