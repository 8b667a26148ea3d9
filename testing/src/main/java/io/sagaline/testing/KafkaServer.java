package io.sagaline.testing;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A Kafka cluster for tests. Topics are shared with every other test using the same cluster, so
 * tests name their topics uniquely or tolerate records of others. Thread-safe.
 */
public interface KafkaServer {

    /** The {@code bootstrap.servers} value for clients, {@code host:port}. */
    String bootstrapServers();

    /** A new admin client for this cluster; the caller closes it. */
    default Admin adminClient() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    /**
     * Creates the named topics with {@code partitions} partitions each and the broker's default
     * replication factor, and returns once the cluster has them. A topic that already exists is
     * left as it is, whatever its partition count.
     *
     * @throws IllegalStateException if the cluster refuses or does not answer within 30 seconds
     */
    default void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        var topics = Arrays.stream(names)
                .map(name -> new NewTopic(name, Optional.of(partitions), Optional.empty()))
                .toList();
        try (Admin admin = adminClient()) {
            for (Map.Entry<String, KafkaFuture<Void>> created :
                    admin.createTopics(topics).values().entrySet()) {
                try {
                    created.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "could not create topic " + created.getKey() + " on " + bootstrapServers(),
                                e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers() + " did not create topics in 30 s", e);
        }
    }
}
