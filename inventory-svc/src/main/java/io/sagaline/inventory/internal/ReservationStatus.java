package io.sagaline.inventory.internal;

enum ReservationStatus {
    /** Holding its units until allocated, released or expired. */
    ACTIVE,
    /** Returned by the saga's compensation, or released before it was ever made. */
    RELEASED,
    /** Sold: the payment was captured. */
    ALLOCATED,
    /** Not allocated within its TTL; its units went back to stock. */
    EXPIRED
}
