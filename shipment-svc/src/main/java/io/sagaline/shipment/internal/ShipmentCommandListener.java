package io.sagaline.shipment.internal;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.IdempotentCommands;
import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.ShipmentMessages.CancelShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentCommand;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentReply;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

@Component
class ShipmentCommandListener {

    static final String CONSUMER = "shipment-svc";

    private final EnvelopeCodec codec;
    private final IdempotentCommands commands;
    private final Shipments shipments;
    private final String repliesTopic;

    ShipmentCommandListener(
            EnvelopeCodec codec, IdempotentCommands commands, Shipments shipments, ShipmentProperties properties) {
        this.codec = codec;
        this.commands = commands;
        this.shipments = shipments;
        this.repliesTopic = properties.repliesTopic();
    }

    @KafkaListener(
            topics = "${sagaline.shipment.commands-topic:" + Topics.SHIPMENT_COMMANDS + "}",
            groupId = "${sagaline.shipment.consumer-group:" + CONSUMER + "}")
    void on(ConsumerRecord<String, String> record) {
        handle(codec.decode(record.value()));
    }

    /** Applies one command once per idempotency key; its reply goes to the outbox. */
    boolean handle(Envelope command) {
        return commands.handle(CONSUMER, command, ShipmentCommand.class, repliesTopic, this::apply);
    }

    private ShipmentReply apply(ShipmentCommand command) {
        return switch (command) {
            case ScheduleShipment schedule -> shipments.on(schedule);
            case CancelShipment cancel -> shipments.on(cancel);
        };
    }
}
