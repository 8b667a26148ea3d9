package io.sagaline.notification.internal;

import io.sagaline.messaging.Topics;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code sagaline.notification}.
 *
 * @param commandsTopic where the orchestrator sends {@code SendOrderConfirmation}
 * @param repliesTopic where the replies go
 * @param consumerGroup the Kafka consumer group of every instance
 * @param from the sender address of confirmation mails; its domain also names the Message-ID
 * @param sendingTimeout how long a claimed, unfinished send is taken to be still in flight; after
 *     that a new delivery sends again (the claimer is assumed dead). Keep it well above the SMTP
 *     connection, read and write timeouts together.
 */
@ConfigurationProperties("sagaline.notification")
record NotificationProperties(
        @DefaultValue(Topics.NOTIFICATION_COMMANDS) String commandsTopic,
        @DefaultValue(Topics.SAGA_REPLIES) String repliesTopic,
        @DefaultValue("notification-svc") String consumerGroup,
        @DefaultValue("orders@sagaline.example") String from,
        @DefaultValue("2m") Duration sendingTimeout) {

    NotificationProperties {
        if (sendingTimeout.isNegative() || sendingTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "sagaline.notification.sending-timeout must be positive, got " + sendingTimeout);
        }
        if (from.indexOf('@') < 1 || from.endsWith("@")) {
            throw new IllegalArgumentException("sagaline.notification.from must be an e-mail address, got " + from);
        }
    }
}
