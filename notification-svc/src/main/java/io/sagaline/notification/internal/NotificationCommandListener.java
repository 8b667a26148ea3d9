package io.sagaline.notification.internal;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.NotificationMessages.NotificationCommand;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Takes commands off the notification topic; anything but {@code SendOrderConfirmation} is dead-lettered. */
@Component
class NotificationCommandListener {

    private final EnvelopeCodec codec;
    private final OrderConfirmations confirmations;

    NotificationCommandListener(EnvelopeCodec codec, OrderConfirmations confirmations) {
        this.codec = codec;
        this.confirmations = confirmations;
    }

    @KafkaListener(
            topics = "${sagaline.notification.commands-topic:" + Topics.NOTIFICATION_COMMANDS + "}",
            groupId = "${sagaline.notification.consumer-group:" + OrderConfirmations.CONSUMER + "}")
    void on(ConsumerRecord<String, String> record) {
        Envelope command = codec.decode(record.value());
        switch (codec.message(command, NotificationCommand.class, OrderConfirmations.CONSUMER)) {
            case SendOrderConfirmation send -> confirmations.on(command, send);
        }
    }
}
