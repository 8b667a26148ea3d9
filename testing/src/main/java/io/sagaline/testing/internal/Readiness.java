package io.sagaline.testing.internal;

import static org.awaitility.Awaitility.await;

import io.sagaline.testing.KafkaServer;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/** Waits until a server answers, so the first test does not meet a server still starting. */
final class Readiness {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(250);

    private Readiness() {}

    static void awaitPostgres(JdbcPostgresServer server) {
        var lastError = new AtomicReference<@Nullable Exception>();
        try {
            await("PostgreSQL at " + server.host() + ":" + server.port())
                    .atMost(TIMEOUT)
                    .pollInterval(POLL)
                    .until(() -> {
                        try (Connection connection = server.connectAsSuperuser()) {
                            return connection.isValid(5);
                        } catch (Exception e) {
                            lastError.set(e);
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    "PostgreSQL at " + server.host() + ":" + server.port() + " did not accept the superuser "
                            + server.superuser().user() + " within " + TIMEOUT.toSeconds() + " s",
                    lastError.get());
        }
    }

    /** Until the cluster has a broker and every partition of every topic has a leader. */
    static void awaitKafka(KafkaServer server) {
        var lastError = new AtomicReference<@Nullable Exception>();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500))) {
            await("Kafka at " + server.bootstrapServers())
                    .atMost(TIMEOUT)
                    .pollInterval(POLL)
                    .pollInSameThread()
                    .until(() -> {
                        try {
                            return kafkaReady(admin);
                        } catch (Exception e) {
                            lastError.set(e);
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    "Kafka at " + server.bootstrapServers() + " was not ready within " + TIMEOUT.toSeconds() + " s",
                    lastError.get());
        }
    }

    private static boolean kafkaReady(Admin admin) throws Exception {
        if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return false;
        }
        var topics = admin.listTopics(new ListTopicsOptions().listInternal(true))
                .names()
                .get(5, TimeUnit.SECONDS);
        if (topics.isEmpty()) {
            return true;
        }
        for (TopicDescription topic : admin.describeTopics(topics)
                .allTopicNames()
                .get(5, TimeUnit.SECONDS)
                .values()) {
            for (TopicPartitionInfo partition : topic.partitions()) {
                if (partition.leader() == null || partition.leader().isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }
}
