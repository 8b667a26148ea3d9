package io.sagaline.inventory.internal;

import io.sagaline.messaging.Topics;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code sagaline.inventory}.
 *
 * @param commandsTopic where the orchestrator's inventory commands arrive
 * @param repliesTopic where the replies go (through the outbox)
 * @param consumerGroup the Kafka consumer group every instance joins
 * @param reservationTtl how long a reservation holds its units unless allocated; longer than the
 *     saga's maximum duration
 * @param expiryInterval how often the expiry job looks for reservations past their TTL
 * @param expiryBatchSize how many reservations one expiry transaction returns to stock
 */
@ConfigurationProperties("sagaline.inventory")
record InventoryProperties(
        @DefaultValue(Topics.INVENTORY_COMMANDS) String commandsTopic,
        @DefaultValue(Topics.SAGA_REPLIES) String repliesTopic,
        @DefaultValue("inventory-svc") String consumerGroup,
        @DefaultValue("1h") Duration reservationTtl,
        @DefaultValue("30s") Duration expiryInterval,
        @DefaultValue("500") int expiryBatchSize) {

    InventoryProperties {
        if (expiryBatchSize < 1) {
            throw new IllegalArgumentException(
                    "sagaline.inventory.expiry-batch-size must be at least 1, got " + expiryBatchSize);
        }
        if (expiryInterval.isNegative() || expiryInterval.isZero()) {
            throw new IllegalArgumentException(
                    "sagaline.inventory.expiry-interval must be positive, got " + expiryInterval);
        }
    }
}
