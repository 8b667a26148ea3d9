package io.sagaline.shipment.internal;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionOperations;

/** Registers carriers; a carrier and its regions are written in one transaction. */
@Service
class Carriers {

    private final CarrierRepository carriers;
    private final TransactionOperations transactions;
    private final Clock clock;

    Carriers(CarrierRepository carriers, TransactionOperations transactions, Clock clock) {
        this.carriers = carriers;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The new carrier, or empty when its name is taken (then nothing is written). */
    Optional<Carrier> register(String name, List<String> regions, int dailyCapacity) {
        var carrier = new Carrier(UUID.randomUUID(), name, distinct(regions), dailyCapacity);
        Boolean inserted = transactions.execute(tx -> carriers.insert(carrier, clock.instant()));
        return Boolean.TRUE.equals(inserted) ? Optional.of(carrier) : Optional.empty();
    }

    /** Registers the carrier unless one of that name exists, then makes sure it serves the regions. */
    void ensure(String name, List<String> regions, int dailyCapacity) {
        transactions.executeWithoutResult(tx -> {
            var carrier = new Carrier(UUID.randomUUID(), name, distinct(regions), dailyCapacity);
            if (!carriers.insert(carrier, clock.instant())) {
                carriers.idOf(name).ifPresent(id -> carriers.addRegions(id, carrier.regions()));
            }
        });
    }

    List<Carrier> all() {
        return carriers.list();
    }

    private static List<String> distinct(List<String> regions) {
        return regions.stream().map(String::strip).distinct().sorted().toList();
    }
}
