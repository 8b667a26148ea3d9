package io.sagaline.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The idempotent-consumer side of at-least-once delivery: a consumer records each message id in
 * the same transaction as the message's effect, and skips a message whose id it has recorded
 * before. Redelivery is then harmless and each effect happens once.
 *
 * <p>Entries older than the configured retention are purged; a redelivery older than that would be
 * applied again, so the retention must exceed the longest time a message can be redelivered after
 * (the relay's replay window and Kafka's topic retention). Thread-safe.
 */
public final class Inbox {

    private static final String RECORD = """
            INSERT INTO inbox (consumer, message_id, processed_at)
            VALUES (:consumer, :messageId, :processedAt)
            ON CONFLICT DO NOTHING
            """;

    private final JdbcClient jdbc;
    private final TransactionOperations transactions;
    private final Clock clock;

    public Inbox(JdbcClient jdbc, TransactionOperations transactions, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Records that {@code consumer} applies {@code messageId} in the current transaction.
     *
     * @return {@code true} on the first delivery, {@code false} if the id was recorded before (the
     *     caller then skips the effect)
     * @throws IllegalStateException if no transaction is active
     */
    public boolean recordFirstDelivery(String consumer, MessageId messageId) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the inbox is written only inside the transaction of the effect");
        }
        return jdbc.sql(RECORD)
                        .param("consumer", consumer)
                        .param("messageId", messageId.value())
                        .param("processedAt", java.sql.Timestamp.from(Instant.now(clock)))
                        .update()
                == 1;
    }

    /**
     * Applies {@code effect} to {@code envelope} once: in a new transaction that also records the
     * message id, or not at all if the id was recorded before. An exception from the effect rolls
     * back both and propagates, so the message can be retried.
     *
     * @return {@code true} if the effect ran, {@code false} for a duplicate
     */
    public boolean processOnce(String consumer, Envelope envelope, Consumer<Envelope> effect) {
        Boolean applied = transactions.execute(status -> {
            if (!recordFirstDelivery(consumer, envelope.messageId())) {
                return false;
            }
            effect.accept(envelope);
            return true;
        });
        return Boolean.TRUE.equals(applied);
    }
}
