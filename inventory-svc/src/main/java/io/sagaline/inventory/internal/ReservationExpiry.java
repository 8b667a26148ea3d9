package io.sagaline.inventory.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionOperations;

/** Returns the units of reservations not allocated within their TTL to stock. */
@Component
class ReservationExpiry implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(ReservationExpiry.class);

    private final ReservationRepository reservations;
    private final StockRepository stock;
    private final TransactionOperations transactions;
    private final InventoryProperties properties;
    private final Clock clock;

    ReservationExpiry(
            ReservationRepository reservations,
            StockRepository stock,
            TransactionOperations transactions,
            InventoryProperties properties,
            Clock clock) {
        this.reservations = reservations;
        this.stock = stock;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(
                new FixedDelayTask(this::run, properties.expiryInterval(), properties.expiryInterval()));
    }

    private void run() {
        try {
            expireDue();
        } catch (RuntimeException e) {
            log.warn("Reservation expiry failed; the next run tries again", e);
        }
    }

    /** Expires every reservation due now, in batches; returns how many expired. */
    int expireDue() {
        int total = 0;
        int batch;
        do {
            batch = Objects.requireNonNull(transactions.execute(tx -> expireBatch()));
            total += batch;
        } while (batch == properties.expiryBatchSize());
        if (total > 0) {
            log.info("Expired {} reservations and returned their units to stock", total);
        }
        return total;
    }

    private int expireBatch() {
        Instant now = clock.instant();
        List<UUID> due = reservations.claimDue(now, properties.expiryBatchSize());
        if (due.isEmpty()) {
            return 0;
        }
        stock.releaseOrders(due);
        reservations.expire(due, now);
        return due.size();
    }
}
