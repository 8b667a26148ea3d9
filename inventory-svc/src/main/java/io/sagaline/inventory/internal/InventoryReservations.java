package io.sagaline.inventory.internal;

import io.sagaline.messaging.contract.InventoryMessages.InventoryAllocated;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReleased;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReply;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReservationFailed;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReserved;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.OrderLine;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Reserves, releases and allocates an order's units. Each call runs in the caller's transaction
 * (the command's, so the effect commits with its inbox record and reply) or in its own.
 */
@Service
class InventoryReservations {

    private static final Logger log = LoggerFactory.getLogger(InventoryReservations.class);

    private final StockRepository stock;
    private final ReservationRepository reservations;
    private final TransactionOperations transactions;
    private final ReservationPolicy policy;
    private final Clock clock;

    InventoryReservations(
            StockRepository stock,
            ReservationRepository reservations,
            TransactionOperations transactions,
            ReservationPolicy policy,
            Clock clock) {
        this.stock = stock;
        this.reservations = reservations;
        this.transactions = transactions;
        this.policy = policy;
        this.clock = clock;
    }

    /** Reserves every line's units, or none of them. */
    InventoryReply reserve(ReserveInventory command) {
        return Objects.requireNonNull(transactions.execute(tx -> reserveInTransaction(command)));
    }

    /** The compensation of {@link #reserve}: a no-op success when nothing is reserved. */
    InventoryReleased release(UUID orderId) {
        return Objects.requireNonNull(transactions.execute(tx -> releaseInTransaction(orderId)));
    }

    /** Turns the order's reserved units into sold ones, after the payment was captured. */
    InventoryAllocated allocate(UUID orderId) {
        return Objects.requireNonNull(transactions.execute(tx -> allocateInTransaction(orderId)));
    }

    private InventoryReply reserveInTransaction(ReserveInventory command) {
        UUID orderId = command.orderId();
        var existing = reservations.lock(orderId);
        if (existing.isPresent()) {
            return answerExisting(orderId, existing.get());
        }
        Map<String, Integer> wanted = quantitiesBySku(command.lines());
        if (wanted.isEmpty()) {
            return new InventoryReservationFailed(orderId, "the order has no lines");
        }
        for (String sku : wanted.keySet()) {
            if (!stock.skuExists(sku)) {
                return new InventoryReservationFailed(orderId, "unknown SKU " + sku);
            }
        }
        // SKUs in a fixed order, so two orders never lock each other's units in opposite order.
        List<UUID> picked = new ArrayList<>();
        for (var line : wanted.entrySet()) {
            List<UUID> units = stock.pickAvailable(line.getKey(), line.getValue());
            if (units.size() < line.getValue()) {
                // Nothing was changed: the units locked so far are unlocked at commit, untouched.
                return new InventoryReservationFailed(
                        orderId,
                        "not enough units of SKU " + line.getKey() + ": " + line.getValue() + " asked, " + units.size()
                                + " available");
            }
            picked.addAll(units);
        }
        Instant now = clock.instant();
        Instant expiresAt = now.plus(policy.ttl());
        if (!reservations.insert(orderId, ReservationStatus.ACTIVE, now, expiresAt)) {
            // Another delivery for this order committed first; roll back and let the retry answer.
            throw new IllegalStateException("order " + orderId + " was reserved concurrently");
        }
        int reserved = stock.reserve(orderId, picked, expiresAt);
        if (reserved != picked.size()) {
            throw new IllegalStateException(
                    "reserved " + reserved + " of " + picked.size() + " locked units for order " + orderId);
        }
        reservations.recordReservedUnits(orderId);
        return new InventoryReserved(orderId, picked.stream().sorted().toList());
    }

    private InventoryReply answerExisting(UUID orderId, ReservationStatus status) {
        return switch (status) {
            // A second ReserveInventory for the same order under a new idempotency key: same units.
            case ACTIVE, ALLOCATED -> new InventoryReserved(orderId, reservations.unitIds(orderId));
            case RELEASED ->
                new InventoryReservationFailed(orderId, "order " + orderId + " was released before it was reserved");
            case EXPIRED -> new InventoryReservationFailed(orderId, "the reservation of order " + orderId + " expired");
        };
    }

    private InventoryReleased releaseInTransaction(UUID orderId) {
        Instant now = clock.instant();
        var status = reservations.lock(orderId);
        if (status.isEmpty()) {
            // The compensation overtook its action (a timed-out reservation may still arrive):
            // leave a RELEASED record so that late reservation is refused.
            if (reservations.insert(orderId, ReservationStatus.RELEASED, now, now)) {
                return new InventoryReleased(orderId, 0);
            }
            return releaseInTransaction(orderId);
        }
        return switch (status.get()) {
            case ACTIVE -> {
                int released = stock.releaseOrders(List.of(orderId));
                reservations.transition(orderId, ReservationStatus.ACTIVE, ReservationStatus.RELEASED, now);
                yield new InventoryReleased(orderId, released);
            }
            case RELEASED, EXPIRED -> new InventoryReleased(orderId, 0);
            case ALLOCATED -> {
                log.error("Order {} asked to release units that are already allocated; the sale stands", orderId);
                yield new InventoryReleased(orderId, 0);
            }
        };
    }

    private InventoryAllocated allocateInTransaction(UUID orderId) {
        Instant now = clock.instant();
        var status = reservations.lock(orderId);
        if (status.isEmpty()) {
            log.error("Order {} asked to allocate units it never reserved", orderId);
            return new InventoryAllocated(orderId, 0);
        }
        return switch (status.get()) {
            case ACTIVE -> {
                int allocated = stock.allocateReserved(orderId);
                reservations.transition(orderId, ReservationStatus.ACTIVE, ReservationStatus.ALLOCATED, now);
                yield new InventoryAllocated(orderId, allocated);
            }
            case ALLOCATED -> new InventoryAllocated(orderId, stock.countAllocated(orderId));
            case EXPIRED -> allocateExpired(orderId, now);
            case RELEASED -> {
                log.error("Order {} asked to allocate units it released", orderId);
                yield new InventoryAllocated(orderId, 0);
            }
        };
    }

    /**
     * The TTL outlasts every saga, so this means a saga overran its maximum duration. The sale is
     * final, so take the same units back when all are still free; otherwise an operator must act.
     */
    private InventoryAllocated allocateExpired(UUID orderId, Instant now) {
        List<UUID> units = reservations.unitIds(orderId);
        List<UUID> free = units.isEmpty() ? List.of() : stock.lockFree(units);
        if (units.isEmpty() || free.size() != units.size()) {
            log.error(
                    "Order {} was paid after its reservation expired and {} of its {} units are taken;"
                            + " nothing allocated, the order needs an operator",
                    orderId,
                    units.size() - free.size(),
                    units.size());
            return new InventoryAllocated(orderId, 0);
        }
        int allocated = stock.allocateFree(orderId, units);
        reservations.transition(orderId, ReservationStatus.EXPIRED, ReservationStatus.ALLOCATED, now);
        log.warn("Order {} was paid after its reservation expired; its {} units were still free", orderId, allocated);
        return new InventoryAllocated(orderId, allocated);
    }

    private static Map<String, Integer> quantitiesBySku(List<OrderLine> lines) {
        Map<String, Integer> quantities = new TreeMap<>();
        for (OrderLine line : lines) {
            quantities.merge(line.sku(), line.quantity(), Math::addExact);
        }
        return quantities;
    }
}
