package io.sagaline.messaging.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;

/** Commands to inventory-svc ({@code inventory.commands}) and its replies ({@code saga.replies}). */
public final class InventoryMessages {

    private InventoryMessages() {}

    /** Commands of inventory-svc. */
    public sealed interface InventoryCommand permits ReserveInventory, ReleaseInventory, AllocateInventory {
        UUID orderId();
    }

    /** Reserves units for every line, or for none. Compensated by {@link ReleaseInventory}. */
    public record ReserveInventory(
            @NotNull UUID orderId,
            @NotEmpty @Size(max = 100) List<@NotNull @Valid OrderLine> lines) implements InventoryCommand {}

    /** Returns the order's reserved units to stock; succeeds when there are none. */
    public record ReleaseInventory(@NotNull UUID orderId) implements InventoryCommand {}

    /** Turns the order's reserved units into allocated ones, after the payment is captured. */
    public record AllocateInventory(@NotNull UUID orderId) implements InventoryCommand {}

    /** Replies of inventory-svc. */
    public sealed interface InventoryReply
            permits InventoryReserved, InventoryReservationFailed, InventoryReleased, InventoryAllocated {
        UUID orderId();
    }

    public record InventoryReserved(
            @NotNull UUID orderId,
            @NotNull @Size(max = 100_000) List<@NotNull UUID> unitIds) implements InventoryReply {}

    /** An unknown SKU or not enough units: a business failure, not retried. */
    public record InventoryReservationFailed(
            @NotNull UUID orderId,
            @NotNull @Size(max = 2000) String reason) implements InventoryReply {}

    public record InventoryReleased(
            @NotNull UUID orderId, @PositiveOrZero int units) implements InventoryReply {}

    public record InventoryAllocated(
            @NotNull UUID orderId, @PositiveOrZero int units) implements InventoryReply {}
}
