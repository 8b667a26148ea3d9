package io.sagaline.inventory.internal;

import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.IdempotentCommands;
import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.InventoryMessages.AllocateInventory;
import io.sagaline.messaging.contract.InventoryMessages.InventoryCommand;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReply;
import io.sagaline.messaging.contract.InventoryMessages.ReleaseInventory;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

@Component
class InventoryCommandListener {

    static final String CONSUMER = "inventory-svc";

    private final EnvelopeCodec codec;
    private final IdempotentCommands commands;
    private final InventoryReservations reservations;
    private final InventoryProperties properties;

    InventoryCommandListener(
            EnvelopeCodec codec,
            IdempotentCommands commands,
            InventoryReservations reservations,
            InventoryProperties properties) {
        this.codec = codec;
        this.commands = commands;
        this.reservations = reservations;
        this.properties = properties;
    }

    @KafkaListener(
            topics = "${sagaline.inventory.commands-topic:" + Topics.INVENTORY_COMMANDS + "}",
            groupId = "${sagaline.inventory.consumer-group:" + CONSUMER + "}")
    void on(ConsumerRecord<String, String> record) {
        commands.handle(
                CONSUMER, codec.decode(record.value()), InventoryCommand.class, properties.repliesTopic(), this::apply);
    }

    private InventoryReply apply(InventoryCommand command) {
        return switch (command) {
            case ReserveInventory reserve -> reservations.reserve(reserve);
            case ReleaseInventory release -> reservations.release(release.orderId());
            case AllocateInventory allocate -> reservations.allocate(allocate.orderId());
        };
    }
}
