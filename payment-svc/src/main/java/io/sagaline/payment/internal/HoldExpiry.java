package io.sagaline.payment.internal;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Marks ACTIVE holds past their expiry EXPIRED. Credit does not wait for it (an expired hold stops
 * counting at its expiry, read with the clock); this keeps the table's statuses honest for
 * operators. Several instances may sweep at once: each claims its rows with SKIP LOCKED.
 */
@Component
class HoldExpiry {

    private static final Logger log = LoggerFactory.getLogger(HoldExpiry.class);

    private final HoldRepository holds;
    private final TransactionOperations transactions;
    private final Clock clock;
    private final int batchSize;

    HoldExpiry(HoldRepository holds, TransactionOperations transactions, Clock clock, PaymentProperties properties) {
        this.holds = holds;
        this.transactions = transactions;
        this.clock = clock;
        this.batchSize = properties.expirySweepBatchSize();
    }

    @Scheduled(
            initialDelayString = "${sagaline.payment.expiry-sweep-interval:1m}",
            fixedDelayString = "${sagaline.payment.expiry-sweep-interval:1m}")
    void sweep() {
        int total = expireAll();
        if (total > 0) {
            log.info("Marked {} holds past their expiry EXPIRED", total);
        }
    }

    /** Marks every due hold, one short transaction per batch; returns how many. */
    int expireAll() {
        int total = 0;
        int expired;
        do {
            Integer batch = transactions.execute(status -> holds.expireDue(clock.instant(), batchSize));
            expired = batch == null ? 0 : batch;
            total += expired;
        } while (expired == batchSize);
        return total;
    }
}
