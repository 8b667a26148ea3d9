package io.sagaline.twopc.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The work of each branch of a checkout, the same rules the saga's participants apply, done inside
 * the branches' local transactions of one global transaction. Nothing here commits: a refusal
 * leaves the caller to roll every branch back. Thread-safe.
 */
@Component
class Checkout {

    private final JsonMapper json;
    private final Clock clock;

    Checkout(JsonMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** What the branches made of an order. */
    sealed interface Verdict {

        /** Every branch did its part; the global transaction may be prepared. */
        record Ready() implements Verdict {}

        /** A participant refused (declined, out of stock, no carrier); the reason is the customer's. */
        record Refused(Branch branch, String reason) implements Verdict {}

        /** Another order holds the idempotency key; it is the answer. */
        record KeyTaken() implements Verdict {}
    }

    /** Runs the branches in {@link Branch} order and stops at the first refusal. */
    Verdict perform(Order order, GlobalTransaction transaction) {
        Instant now = clock.instant();
        var orders = new OrderRepository(transaction.jdbc(Branch.ORDERS), json);
        if (!orders.insert(order, OrderStatus.APPROVED, null, now)) {
            return new Verdict.KeyTaken();
        }
        Optional<Verdict> refused = charge(order, new PaymentRepository(transaction.jdbc(Branch.PAYMENT)), now)
                .or(() -> allocate(order, new StockRepository(transaction.jdbc(Branch.INVENTORY)), now))
                .or(() -> ship(order, new CarrierRepository(transaction.jdbc(Branch.SHIPMENT)), now));
        return refused.orElseGet(Verdict.Ready::new);
    }

    /** Authorization and capture in one: lock the account, check its credit, insert the charge. */
    private static Optional<Verdict> charge(Order order, PaymentRepository payments, Instant now) {
        long amount = order.total();
        if (amount <= 0) {
            return refuse(Branch.PAYMENT, "amount must be positive, got " + amount);
        }
        Optional<PaymentRepository.Account> found = payments.lock(order.customerId());
        if (found.isEmpty()) {
            return refuse(Branch.PAYMENT, "unknown account " + order.customerId());
        }
        PaymentRepository.Account account = found.get();
        if (account.status() == PaymentRepository.Account.Status.FROZEN) {
            return refuse(Branch.PAYMENT, "account " + account.customerId() + " is frozen");
        }
        if (!account.currency().equals(order.currency())) {
            return refuse(
                    Branch.PAYMENT,
                    "account " + account.customerId() + " is in " + account.currency() + ", not " + order.currency());
        }
        long available = account.creditLimit() - payments.exposure(account.customerId());
        if (available < amount) {
            return refuse(
                    Branch.PAYMENT,
                    "insufficient credit: " + available + " available, " + amount + " requested (" + order.currency()
                            + " minor units)");
        }
        payments.insertCharge(order.id(), account.customerId(), amount, order.currency(), now);
        return Optional.empty();
    }

    /** Picks free units of every SKU, in SKU order, and allocates them to the order. */
    private static Optional<Verdict> allocate(Order order, StockRepository stock, Instant now) {
        Map<String, Integer> wanted = order.quantitiesBySku();
        for (String sku : wanted.keySet()) {
            if (!stock.skuExists(sku)) {
                return refuse(Branch.INVENTORY, "unknown SKU " + sku);
            }
        }
        List<UUID> picked = new ArrayList<>();
        for (var line : wanted.entrySet()) {
            List<UUID> units = stock.pickAvailable(line.getKey(), line.getValue());
            if (units.size() < line.getValue()) {
                return refuse(
                        Branch.INVENTORY,
                        "not enough units of SKU " + line.getKey() + ": " + line.getValue() + " asked, " + units.size()
                                + " available");
            }
            picked.addAll(units);
        }
        int allocated = stock.allocate(order.id(), picked, now);
        if (allocated != picked.size()) {
            throw new IllegalStateException(
                    "allocated " + allocated + " of " + picked.size() + " locked units for order " + order.id());
        }
        return Optional.empty();
    }

    /** Books a slot with the least booked carrier serving the region that has one left today. */
    private static Optional<Verdict> ship(Order order, CarrierRepository carriers, Instant now) {
        String region = order.shippingAddress().region();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<UUID> candidates = carriers.candidates(region, day);
        if (candidates.isEmpty()) {
            return refuse(Branch.SHIPMENT, "no carrier serves region " + region);
        }
        for (UUID carrier : candidates) {
            if (carriers.takeSlot(carrier, day)) {
                carriers.insertShipment(order, carrier, day, now);
                return Optional.empty();
            }
        }
        return refuse(Branch.SHIPMENT, "no carrier serving region " + region + " has capacity left on " + day);
    }

    private static Optional<Verdict> refuse(Branch branch, String reason) {
        return Optional.of(new Verdict.Refused(branch, reason));
    }
}
