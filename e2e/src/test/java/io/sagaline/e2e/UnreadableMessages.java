package io.sagaline.e2e;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.SagaId;
import io.sagaline.testing.Records;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes messages no consumer can handle straight to a topic, as a faulty producer would. Not
 * thread-safe; close it to close its producer.
 */
final class UnreadableMessages implements AutoCloseable {

    /**
     * One message sent.
     *
     * @param reasonNames what the reason of its dead letter must name; empty for anything
     */
    record Sent(String topic, int partition, String key, String value, String reasonNames) {}

    private final KafkaProducer<String, String> producer;
    private final EnvelopeCodec codec = new EnvelopeCodec(JsonMapper.builder().build());

    UnreadableMessages(String bootstrapServers) {
        producer = Records.producer(bootstrapServers);
    }

    /**
     * Writes to every partition of {@code topic} a value that is not JSON and a well-formed
     * envelope of a type nobody knows: a reply naming a request if {@code replies}, else a command.
     * Returns once Kafka has them all.
     */
    List<Sent> sendTo(String topic, boolean replies) {
        List<Sent> sent = new ArrayList<>();
        int partitions = producer.partitionsFor(topic).size();
        for (int partition = 0; partition < partitions; partition++) {
            String key = UUID.randomUUID().toString();
            sent.add(send(new Sent(topic, partition, key, "{\"messageId\": \"" + key + "\", ", "")));
            Envelope unknown = unknownType(replies);
            sent.add(send(
                    new Sent(topic, partition, unknown.sagaId().toString(), codec.encode(unknown), unknown.type())));
        }
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }

    private Envelope unknownType(boolean reply) {
        Envelope command = Envelope.command(
                SagaId.random(),
                "NoSuchCommand",
                codec.toTree(Map.of("orderId", UUID.randomUUID().toString())),
                UUID.randomUUID() + ":1:forward",
                Instant.now());
        return reply ? command.reply("NoSuchReply", command.payload(), Instant.now()) : command;
    }

    private Sent send(Sent message) {
        try {
            producer.send(new ProducerRecord<>(message.topic(), message.partition(), message.key(), message.value()))
                    .get();
            return message;
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not write to " + message.topic(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + message.topic(), e);
        }
    }
}
