package io.sagaline.messaging.contract;

import java.util.UUID;

/** Commands to shipment-svc ({@code shipment.commands}) and its replies ({@code saga.replies}). */
public final class ShipmentMessages {

    private ShipmentMessages() {}

    /** Books a carrier serving the destination's region. Compensated by {@link CancelShipment}. */
    public record ScheduleShipment(UUID orderId, Address destination, int units) {}

    /** Cancels the order's shipment and frees its carrier slot; succeeds when there is none. */
    public record CancelShipment(UUID orderId) {}

    /** Replies of shipment-svc. */
    public sealed interface ShipmentReply permits ShipmentScheduled, ShipmentFailed, ShipmentCancelled {
        UUID orderId();
    }

    public record ShipmentScheduled(UUID orderId, UUID shipmentId, String carrier, String trackingNumber)
            implements ShipmentReply {}

    /** The region is not served or no carrier has capacity: a business failure, not retried. */
    public record ShipmentFailed(UUID orderId, String reason) implements ShipmentReply {}

    public record ShipmentCancelled(UUID orderId) implements ShipmentReply {}
}
