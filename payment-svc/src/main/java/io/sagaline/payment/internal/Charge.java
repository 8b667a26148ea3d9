package io.sagaline.payment.internal;

import java.util.UUID;

record Charge(UUID orderId, String customerId, long amount, String currency, Status status) {

    enum Status {
        CHARGED,
        REFUNDED
    }
}
