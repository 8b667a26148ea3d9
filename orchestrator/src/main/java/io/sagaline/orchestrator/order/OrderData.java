package io.sagaline.orchestrator.order;

import io.sagaline.messaging.contract.Address;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReserved;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.OrderLine;
import io.sagaline.messaging.contract.PaymentMessages.PaymentAuthorized;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentScheduled;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What the order saga carries from step to step: the order as placed, and what participants
 * answered on the way.
 *
 * @param orderId the order; every command names it
 * @param customerId the paying customer's account
 * @param lines what was ordered, at least one line, all in {@code total}'s currency
 * @param total the sum of the lines
 * @param shippingAddress where the shipment goes
 * @param email where the confirmation goes
 * @param authorizationId the payment hold, once authorized
 * @param unitIds the reserved inventory units, once reserved
 * @param shipmentId the booked shipment, once scheduled
 */
public record OrderData(
        UUID orderId,
        String customerId,
        List<OrderLine> lines,
        Money total,
        Address shippingAddress,
        String email,
        @Nullable UUID authorizationId,
        List<UUID> unitIds,
        @Nullable UUID shipmentId) {

    public OrderData {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(shippingAddress, "shippingAddress");
        Objects.requireNonNull(email, "email");
        lines = List.copyOf(lines);
        unitIds = List.copyOf(unitIds);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("an order needs at least one line");
        }
        Money sum = Money.of(0, total.currency());
        for (OrderLine line : lines) {
            sum = sum.plus(line.total());
        }
        if (!sum.equals(total)) {
            throw new IllegalArgumentException("total " + total + " is not the sum of the lines, " + sum);
        }
    }

    /** A newly placed order; its total is the sum of its lines, each in {@code currency}. */
    public static OrderData placed(
            UUID orderId,
            String customerId,
            List<OrderLine> lines,
            String currency,
            Address shippingAddress,
            String email) {
        Money total = Money.of(0, currency);
        for (OrderLine line : lines) {
            total = total.plus(line.total());
        }
        return new OrderData(orderId, customerId, lines, total, shippingAddress, email, null, List.of(), null);
    }

    /** How many units the order ships. */
    public int units() {
        return lines.stream().mapToInt(OrderLine::quantity).sum();
    }

    OrderData authorized(PaymentAuthorized reply) {
        return new OrderData(
                orderId,
                customerId,
                lines,
                total,
                shippingAddress,
                email,
                reply.authorizationId(),
                unitIds,
                shipmentId);
    }

    OrderData reserved(InventoryReserved reply) {
        return new OrderData(
                orderId,
                customerId,
                lines,
                total,
                shippingAddress,
                email,
                authorizationId,
                reply.unitIds(),
                shipmentId);
    }

    OrderData scheduled(ShipmentScheduled reply) {
        return new OrderData(
                orderId,
                customerId,
                lines,
                total,
                shippingAddress,
                email,
                authorizationId,
                unitIds,
                reply.shipmentId());
    }
}
