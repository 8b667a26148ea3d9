package io.sagaline.twopc.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Accounts, stock and carriers, each written in a local transaction of its database: the set-up a
 * benchmark does through the same endpoints as on the saga system's participants. Thread-safe.
 */
final class Seeding {

    private final Pools pools;
    private final Clock clock;

    Seeding(Pools pools, Clock clock) {
        this.pools = pools;
        this.clock = clock;
    }

    /** The new account, or empty when the customer has one (left as it is). */
    Optional<PaymentRepository.Account> openAccount(String customerId, String currency, long creditLimit) {
        return Pools.inLocalTransaction(pools.branch(Branch.PAYMENT), jdbc -> {
            var payments = new PaymentRepository(jdbc);
            var account = new PaymentRepository.Account(
                    customerId, currency, creditLimit, PaymentRepository.Account.Status.ACTIVE);
            return payments.insertAccount(account, now()) ? Optional.of(account) : Optional.empty();
        });
    }

    /** Adds {@code count} available units of {@code sku}, creating the SKU if it is new. */
    StockRepository.SkuCounts addUnits(String sku, int count, long priceMinor, String currency) {
        return Pools.inLocalTransaction(pools.branch(Branch.INVENTORY), jdbc -> {
            var stock = new StockRepository(jdbc);
            stock.createAndLockSku(sku, now());
            stock.addUnits(sku, count, priceMinor, currency, now());
            return stock.counts(sku);
        });
    }

    /** The new carrier, or empty when its name is taken (nothing is written then). */
    Optional<CarrierRepository.Carrier> registerCarrier(String name, List<String> regions, int dailyCapacity) {
        var carrier = new CarrierRepository.Carrier(
                UUID.randomUUID(),
                name,
                regions.stream().map(String::strip).distinct().sorted().toList(),
                dailyCapacity);
        return Pools.inLocalTransaction(
                pools.branch(Branch.SHIPMENT),
                jdbc -> new CarrierRepository(jdbc).insert(carrier, now()) ? Optional.of(carrier) : Optional.empty());
    }

    private Instant now() {
        return clock.instant();
    }
}
