package io.sagaline.messaging;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code sagaline.messaging}.
 *
 * @param inbox how long consumed message ids are kept, and how often old ones are purged
 * @param retry how a Kafka listener retries a failing message before dead-lettering it
 * @param topics whether and how a service declares Sagaline's topics on start
 * @param outbox how a service waits for the relay before taking work
 */
@ConfigurationProperties("sagaline.messaging")
public record MessagingProperties(
        @DefaultValue InboxSettings inbox,
        @DefaultValue RetrySettings retry,
        @DefaultValue TopicSettings topics,
        @DefaultValue OutboxSettings outbox) {

    /**
     * @param retention how long a consumed message id is remembered; a redelivery older than this
     *     is applied again, so keep it above the replay window of the relay and Kafka's retention
     * @param purgeInterval how often expired ids are deleted
     * @param purgeBatchSize how many ids one purge statement deletes, to keep transactions short
     */
    public record InboxSettings(
            @DefaultValue("7d") Duration retention,
            @DefaultValue("1h") Duration purgeInterval,
            @DefaultValue("10000") int purgeBatchSize) {

        public InboxSettings {
            requirePositive("sagaline.messaging.inbox.retention", retention);
            requirePositive("sagaline.messaging.inbox.purge-interval", purgeInterval);
            if (purgeBatchSize < 1) {
                throw new IllegalArgumentException(
                        "sagaline.messaging.inbox.purge-batch-size must be at least 1, got " + purgeBatchSize);
            }
        }
    }

    /**
     * @param attempts retries after the first failure, before the message goes to its dead-letter
     *     topic
     * @param initialInterval wait before the first retry
     * @param multiplier growth of the wait per retry
     * @param maxInterval the longest wait between retries
     */
    public record RetrySettings(
            @DefaultValue("3") int attempts,
            @DefaultValue("200ms") Duration initialInterval,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("2s") Duration maxInterval) {}

    /**
     * @param create declare the consumed topics and their dead-letter topics on start
     * @param partitions partitions per topic: the unit of consumer parallelism
     * @param replicationFactor copies of each partition; 3 in production, 1 for a single broker
     */
    public record TopicSettings(
            @DefaultValue("true") boolean create,
            @DefaultValue("6") int partitions,
            @DefaultValue("1") short replicationFactor) {}

    /**
     * @param awaitRelay hold the start until the relay's replication slot exists in this database;
     *     turn off only where nothing needs the outbox published
     * @param relayWaitTimeout how long to wait before failing the start
     * @param slotPrefix the relay's slot name without the database name (see infra/connect)
     * @param publication the relay's publication
     */
    public record OutboxSettings(
            @DefaultValue("true") boolean awaitRelay,
            @DefaultValue("10m") Duration relayWaitTimeout,
            @DefaultValue(RelayNames.SLOT_PREFIX) String slotPrefix,
            @DefaultValue(RelayNames.PUBLICATION) String publication) {}

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
