package io.sagaline.twopc.internal;

/** The outcome of an order: there is no PENDING, the answer waits for the global transaction. */
enum OrderStatus {
    APPROVED,
    REJECTED
}
