package io.sagaline.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Collects every record of some topics, from the earliest offset on, in a background thread, for a
 * test to wait on and inspect. Keys and values are read as UTF-8 strings. Uses a consumer group of
 * its own, so it sees every record whatever other consumers do, and commits no offsets.
 *
 * <p>Thread-safe. Records of one partition appear in offset order; records of different partitions
 * interleave in arrival order. Close it to stop the consumer.
 */
public final class Records implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();
    private final AtomicReference<@Nullable RuntimeException> failure = new AtomicReference<>();
    private final Thread poller;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile boolean closed;

    private Records(Map<String, ?> clientConfig, Collection<String> topics) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                "sagaline-test-records-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // A topic the test creates later must not be created here with default settings ...
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                false,
                // ... and must be noticed soon after it appears.
                ConsumerConfig.METADATA_MAX_AGE_CONFIG,
                1_000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class));
        config.putAll(clientConfig);
        consumer = new KafkaConsumer<>(config);
        consumer.subscribe(List.copyOf(topics));
        poller = Thread.ofPlatform().name("sagaline-test-records").daemon().unstarted(this::poll);
    }

    /**
     * A producer of string keys and values that waits for every in-sync replica ({@code
     * acks=all}), as the tests write their own records. Close it.
     */
    public static KafkaProducer<String, String> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class));
    }

    /** Starts collecting the records of {@code topics} on the cluster at {@code bootstrapServers}. */
    public static Records consume(String bootstrapServers, Collection<String> topics) {
        return consume(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
    }

    /**
     * Like {@link #consume(String, Collection)}, with {@code clientConfig} added to the consumer's
     * settings: at least {@code bootstrap.servers}, and whatever else the cluster asks for, such as
     * {@link SaslSslKafka#clientConfig}.
     */
    public static Records consume(Map<String, ?> clientConfig, Collection<String> topics) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("name at least one topic");
        }
        var collector = new Records(clientConfig, topics);
        collector.poller.start();
        return collector;
    }

    public static Records consume(String bootstrapServers, String... topics) {
        return consume(bootstrapServers, List.of(topics));
    }

    /** The records collected so far, in the order they arrived; a copy. */
    public List<ConsumerRecord<String, String>> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /**
     * Waits until at least {@code count} records have arrived.
     *
     * @return the records collected by then, possibly more than {@code count}
     * @throws org.awaitility.core.ConditionTimeoutException if fewer arrived within {@code timeout}
     * @throws IllegalStateException if the consumer failed
     */
    public List<ConsumerRecord<String, String>> awaitCount(int count, Duration timeout) {
        await("at least " + count + " records")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    RuntimeException failed = failure.get();
                    if (failed != null) {
                        throw new IllegalStateException("the consumer failed", failed);
                    }
                    int collected = size();
                    assertTrue(
                            collected >= count,
                            () -> "expected at least " + count + " records, got " + collected + " from "
                                    + assignment.size() + " assigned partitions " + assignment);
                });
        return records();
    }

    /**
     * Waits until the consumer has joined its group and been assigned {@code partitions}
     * partitions, so that what a test writes next is read at once rather than after a rebalance.
     *
     * @throws org.awaitility.core.ConditionTimeoutException if fewer were assigned within {@code timeout}
     */
    public Records awaitAssignment(int partitions, Duration timeout) {
        await(partitions + " partitions assigned")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertTrue(
                        assignment.size() >= partitions,
                        () -> "expected " + partitions + " assigned partitions, got " + assignment));
        return this;
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
    }

    private int size() {
        synchronized (records) {
            return records.size();
        }
    }

    private void poll() {
        try {
            while (!closed) {
                var batch = consumer.poll(POLL);
                assignment = Set.copyOf(consumer.assignment());
                synchronized (records) {
                    batch.forEach(records::add);
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
}
