package io.sagaline.twopc.internal;

import java.util.Locale;

/**
 * The four resource managers of a checkout, in the order the global transaction works on them.
 * The order matters: the orders branch claims the idempotency key before any other lock is taken,
 * and every transaction locks its account before its carrier slot, so no two global transactions
 * wait for each other across databases (where no deadlock detector would see them).
 */
enum Branch {
    ORDERS,
    PAYMENT,
    INVENTORY,
    SHIPMENT;

    /** The name in gids, properties and Flyway locations. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
