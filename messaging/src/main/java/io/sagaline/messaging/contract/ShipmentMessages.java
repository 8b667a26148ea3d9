package io.sagaline.messaging.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/** Commands to shipment-svc ({@code shipment.commands}) and its replies ({@code saga.replies}). */
public final class ShipmentMessages {

    private ShipmentMessages() {}

    /** Commands of shipment-svc. */
    public sealed interface ShipmentCommand permits ScheduleShipment, CancelShipment {
        UUID orderId();
    }

    /** Books a carrier serving the destination's region. Compensated by {@link CancelShipment}. */
    public record ScheduleShipment(
            @NotNull UUID orderId,
            @NotNull @Valid Address destination,
            @Positive int units) implements ShipmentCommand {}

    /** Cancels the order's shipment and frees its carrier slot; succeeds when there is none. */
    public record CancelShipment(@NotNull UUID orderId) implements ShipmentCommand {}

    /** Replies of shipment-svc. */
    public sealed interface ShipmentReply permits ShipmentScheduled, ShipmentFailed, ShipmentCancelled {
        UUID orderId();
    }

    public record ShipmentScheduled(
            @NotNull UUID orderId,
            @NotNull UUID shipmentId,
            @NotBlank @Size(max = 255) String carrier,
            @NotBlank @Size(max = 255) String trackingNumber)
            implements ShipmentReply {}

    /** The region is not served or no carrier has capacity: a business failure, not retried. */
    public record ShipmentFailed(
            @NotNull UUID orderId,
            @NotNull @Size(max = 2000) String reason) implements ShipmentReply {}

    public record ShipmentCancelled(@NotNull UUID orderId) implements ShipmentReply {}
}
