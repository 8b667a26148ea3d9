package io.sagaline.messaging.contract;

import java.util.List;
import java.util.UUID;

/** Commands to inventory-svc ({@code inventory.commands}) and its replies ({@code saga.replies}). */
public final class InventoryMessages {

    private InventoryMessages() {}

    /** Reserves units for every line, or for none. Compensated by {@link ReleaseInventory}. */
    public record ReserveInventory(UUID orderId, List<OrderLine> lines) {}

    /** Returns the order's reserved units to stock; succeeds when there are none. */
    public record ReleaseInventory(UUID orderId) {}

    /** Turns the order's reserved units into allocated ones, after the payment is captured. */
    public record AllocateInventory(UUID orderId) {}

    /** Replies of inventory-svc. */
    public sealed interface InventoryReply
            permits InventoryReserved, InventoryReservationFailed, InventoryReleased, InventoryAllocated {
        UUID orderId();
    }

    public record InventoryReserved(UUID orderId, List<UUID> unitIds) implements InventoryReply {}

    /** An unknown SKU or not enough units: a business failure, not retried. */
    public record InventoryReservationFailed(UUID orderId, String reason) implements InventoryReply {}

    public record InventoryReleased(UUID orderId, int units) implements InventoryReply {}

    public record InventoryAllocated(UUID orderId, int units) implements InventoryReply {}
}
