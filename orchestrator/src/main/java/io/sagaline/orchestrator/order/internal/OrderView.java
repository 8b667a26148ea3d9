package io.sagaline.orchestrator.order.internal;

import io.sagaline.messaging.contract.Address;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.OrderLine;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An order as {@code GET /api/orders/{orderId}} shows it. */
record OrderView(
        UUID orderId,
        UUID sagaId,
        OrderStatus status,
        @Nullable String reason,
        String customerId,
        List<OrderLine> lines,
        Money total,
        Address shippingAddress,
        String email,
        Instant createdAt,
        Instant updatedAt) {}
