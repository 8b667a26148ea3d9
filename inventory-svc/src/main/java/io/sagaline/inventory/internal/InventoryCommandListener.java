package io.sagaline.inventory.internal;

import io.sagaline.messaging.IdempotentCommands;
import io.sagaline.messaging.MalformedMessageException;
import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.InventoryMessages.AllocateInventory;
import io.sagaline.messaging.contract.InventoryMessages.ReleaseInventory;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

@Component
class InventoryCommandListener {

    static final String CONSUMER = "inventory-svc";

    private final IdempotentCommands commands;
    private final InventoryReservations reservations;
    private final InventoryProperties properties;

    InventoryCommandListener(
            IdempotentCommands commands, InventoryReservations reservations, InventoryProperties properties) {
        this.commands = commands;
        this.reservations = reservations;
        this.properties = properties;
    }

    @KafkaListener(
            topics = "${sagaline.inventory.commands-topic:" + Topics.INVENTORY_COMMANDS + "}",
            groupId = "${sagaline.inventory.consumer-group:" + CONSUMER + "}",
            batch = "true")
    void on(List<ConsumerRecord<String, String>> records) {
        commands.handleBatch(CONSUMER, records, properties.repliesTopic(), (envelope, message) -> switch (message) {
            // Every InventoryReply is a record; the sealed interface cannot say so.
            case ReserveInventory reserve -> (Record) reservations.reserve(reserve);
            case ReleaseInventory release -> reservations.release(release.orderId());
            case AllocateInventory allocate -> reservations.allocate(allocate.orderId());
            default -> throw new MalformedMessageException(CONSUMER + " does not handle " + envelope.type());
        });
    }
}
