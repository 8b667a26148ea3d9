package io.sagaline.inventory.internal;

import io.sagaline.messaging.contract.Money;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionOperations;

/** Stocking up SKUs and reading their counts. */
@Service
class Stock {

    private final StockRepository stock;
    private final TransactionOperations transactions;
    private final Clock clock;

    Stock(StockRepository stock, TransactionOperations transactions, Clock clock) {
        this.stock = stock;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Adds {@code count} available units of {@code sku}, creating the SKU if it is new. */
    SkuCounts addUnits(String sku, int count, Money unitPrice) {
        return Objects.requireNonNull(transactions.execute(tx -> {
            stock.createAndLockSku(sku, clock.instant());
            stock.addUnits(sku, count, unitPrice.amountMinor(), unitPrice.currency(), clock.instant());
            return stock.counts(sku).orElseThrow();
        }));
    }

    /**
     * Makes {@code sku} have {@code units} units ever added, adding only what is missing, so it can
     * run on every start.
     */
    SkuCounts stockUpTo(String sku, int units, Money unitPrice) {
        return Objects.requireNonNull(transactions.execute(tx -> {
            stock.createAndLockSku(sku, clock.instant());
            long missing = units - stock.counts(sku).orElseThrow().total();
            if (missing > 0) {
                stock.addUnits(
                        sku, Math.toIntExact(missing), unitPrice.amountMinor(), unitPrice.currency(), clock.instant());
            }
            return stock.counts(sku).orElseThrow();
        }));
    }

    Optional<SkuCounts> counts(String sku) {
        return stock.counts(sku);
    }
}
