package io.sagaline.payment.internal;

import io.sagaline.messaging.Topics;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code sagaline.payment}.
 *
 * @param holdTtl how long an authorization hold lasts; must exceed {@code sagaline.saga.max-duration}
 * @param commandsTopic the topic the commands arrive on
 * @param repliesTopic the topic the replies go to, through the outbox
 * @param consumerGroup the Kafka consumer group of every instance
 * @param expirySweepInterval how often holds past their expiry are marked EXPIRED
 * @param expirySweepBatchSize how many holds one sweep statement marks, to keep transactions short
 */
@ConfigurationProperties("sagaline.payment")
record PaymentProperties(
        @DefaultValue("2h") Duration holdTtl,
        @DefaultValue(Topics.PAYMENT_COMMANDS) String commandsTopic,
        @DefaultValue(Topics.SAGA_REPLIES) String repliesTopic,
        @DefaultValue(PaymentCommandListener.CONSUMER) String consumerGroup,
        @DefaultValue("1m") Duration expirySweepInterval,
        @DefaultValue("500") int expirySweepBatchSize) {

    PaymentProperties {
        if (expirySweepBatchSize < 1) {
            throw new IllegalArgumentException(
                    "sagaline.payment.expiry-sweep-batch-size must be at least 1, got " + expirySweepBatchSize);
        }
    }
}
