package io.sagaline.shipment.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

record Shipment(
        UUID id,
        UUID orderId,
        UUID carrierId,
        String carrier,
        String trackingNumber,
        Status status,
        String region,
        LocalDate bookedDay,
        Instant createdAt) {

    enum Status {
        ACTIVE,
        CANCELLED
    }
}
