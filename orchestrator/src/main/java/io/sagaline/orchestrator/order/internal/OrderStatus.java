package io.sagaline.orchestrator.order.internal;

/** The order as its customer sees it. */
enum OrderStatus {
    /** The saga runs. */
    PENDING,
    /** Paid, allocated and shipping. */
    APPROVED,
    /** Undone; the reason says why. */
    REJECTED
}
