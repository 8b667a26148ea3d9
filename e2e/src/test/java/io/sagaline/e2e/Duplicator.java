package io.sagaline.e2e;

import io.sagaline.messaging.MessageHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * Delivers every record of some topics twice, as an at-least-once pipeline may: a consumer of its
 * own reads each record as it arrives and writes it once more to the same partition, with the same
 * key, value and headers plus {@link #COPY_HEADER}. Copies are not copied again. Only records
 * written after {@link #start} returns are copied.
 *
 * <p>Thread-safe. Close it to stop copying.
 */
final class Duplicator implements AutoCloseable {

    /** Marks a copy, so that the duplicator skips it. */
    static final String COPY_HEADER = "sagaline-test-copy";

    /** One record copied: its topic, key (the saga id) and message type. */
    record Copy(String topic, String key, String type) {}

    private static final Duration POLL = Duration.ofMillis(50);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Copy> copies = new CopyOnWriteArrayList<>();
    private final AtomicReference<@Nullable RuntimeException> failure = new AtomicReference<>();
    private final Thread copier;
    private volatile boolean closed;

    private Duplicator(String bootstrapServers, Collection<String> topics) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "sagaline-test-duplicator-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
        // Assigned rather than subscribed: the end offsets are fixed here, before the test sends
        // anything, instead of whenever a group rebalance gets round to it.
        List<TopicPartition> partitions = topics.stream()
                .flatMap(topic ->
                        consumer.partitionsFor(topic).stream().map(info -> new TopicPartition(topic, info.partition())))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        copier = Thread.ofPlatform().name("sagaline-test-duplicator").daemon().unstarted(this::copy);
    }

    /** Starts copying the records written to {@code topics} from now on. */
    static Duplicator start(String bootstrapServers, Collection<String> topics) {
        var duplicator = new Duplicator(bootstrapServers, topics);
        duplicator.copier.start();
        return duplicator;
    }

    /**
     * Every record copied so far, in the order copied.
     *
     * @throws IllegalStateException if copying failed
     */
    List<Copy> copies() {
        RuntimeException failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("the duplicator failed", failed);
        }
        return List.copyOf(copies);
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            copier.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    private void copy() {
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.headers().lastHeader(COPY_HEADER) == null) {
                        copy(record);
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } catch (RuntimeException e) {
            failure.set(e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void copy(ConsumerRecord<byte[], byte[]> record) {
        var headers = new RecordHeaders(record.headers().toArray());
        headers.add(COPY_HEADER, "true".getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(new ProducerRecord<>(
                            record.topic(), record.partition(), record.key(), record.value(), headers))
                    .get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not copy a record of " + record.topic(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while copying", e);
        }
        copies.add(new Copy(
                record.topic(), utf8(record.key()), utf8(record.headers().lastHeader(MessageHeaders.MESSAGE_TYPE))));
    }

    private static String utf8(byte @Nullable [] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String utf8(@Nullable Header header) {
        return header == null ? "" : utf8(header.value());
    }
}
