package io.sagaline.e2e;

import io.sagaline.e2e.Shop.Placed;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The kinds of order a mixed batch is made of, each with the outcome the system must give it. */
enum OrderKind {
    APPROVED("alice", "BOOK-1", Shop.NORTH, "COMPLETED", "APPROVED", null),
    DECLINED("bob", "BOOK-1", Shop.NORTH, "COMPENSATED", "REJECTED", "authorize payment failed"),
    OUT_OF_STOCK("alice", "LAMP-1", Shop.NORTH, "COMPENSATED", "REJECTED", "reserve inventory failed"),
    UNSHIPPABLE("alice", "MUG-1", Shop.SOUTH, "COMPENSATED", "REJECTED", "schedule shipment failed");

    private final String customer;
    private final String sku;
    private final Map<String, String> address;
    private final String sagaStatus;
    private final String orderStatus;
    private final @Nullable String reason;

    OrderKind(
            String customer,
            String sku,
            Map<String, String> address,
            String sagaStatus,
            String orderStatus,
            @Nullable String reason) {
        this.customer = customer;
        this.sku = sku;
        this.address = address;
        this.sagaStatus = sagaStatus;
        this.orderStatus = orderStatus;
        this.reason = reason;
    }

    /** Places one order of this kind: one unit. */
    Placed place(Shop shop) {
        return shop.place(customer, sku, 1, 1000, address);
    }

    /** The saga's final status. */
    String sagaStatus() {
        return sagaStatus;
    }

    /** The order's final status. */
    String orderStatus() {
        return orderStatus;
    }

    /** What a rejected order's reason says; {@code null} for an approved one. */
    @Nullable
    String reason() {
        return reason;
    }
}
