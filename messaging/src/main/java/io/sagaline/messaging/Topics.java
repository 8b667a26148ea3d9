package io.sagaline.messaging;

import java.util.List;

/** Every Kafka topic Sagaline produces to or consumes from. */
public final class Topics {

    public static final String PAYMENT_COMMANDS = "payment.commands";
    public static final String INVENTORY_COMMANDS = "inventory.commands";
    public static final String SHIPMENT_COMMANDS = "shipment.commands";
    public static final String NOTIFICATION_COMMANDS = "notification.commands";
    public static final String SAGA_REPLIES = "saga.replies";
    public static final String ORDERS_REQUESTS = "orders.requests";

    /** Suffix of the dead-letter topic that belongs to each consumed topic. */
    public static final String DEAD_LETTER_SUFFIX = ".dlt";

    public static final String PAYMENT_COMMANDS_DLT = PAYMENT_COMMANDS + DEAD_LETTER_SUFFIX;
    public static final String INVENTORY_COMMANDS_DLT = INVENTORY_COMMANDS + DEAD_LETTER_SUFFIX;
    public static final String SHIPMENT_COMMANDS_DLT = SHIPMENT_COMMANDS + DEAD_LETTER_SUFFIX;
    public static final String NOTIFICATION_COMMANDS_DLT = NOTIFICATION_COMMANDS + DEAD_LETTER_SUFFIX;
    public static final String SAGA_REPLIES_DLT = SAGA_REPLIES + DEAD_LETTER_SUFFIX;
    public static final String ORDERS_REQUESTS_DLT = ORDERS_REQUESTS + DEAD_LETTER_SUFFIX;

    /** The topics some Sagaline service consumes; each has a dead-letter topic. */
    public static final List<String> CONSUMED = List.of(
            PAYMENT_COMMANDS,
            INVENTORY_COMMANDS,
            SHIPMENT_COMMANDS,
            NOTIFICATION_COMMANDS,
            SAGA_REPLIES,
            ORDERS_REQUESTS);

    private Topics() {}

    /** The dead-letter topic of {@code topic}. */
    public static String deadLetterOf(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
