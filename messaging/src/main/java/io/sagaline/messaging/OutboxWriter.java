package io.sagaline.messaging;

import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes messages to this service's {@code outbox} table, from which the relay publishes them to
 * Kafka.
 *
 * <p>A message is written in the caller's transaction and published only if that transaction
 * commits; a rolled-back transaction publishes nothing. Calling outside a transaction is an error,
 * because the message would then be published without the change it belongs to. Messages of one
 * saga are published to one partition, in commit order. Thread-safe.
 */
public final class OutboxWriter {

    // Insert then delete in one transaction: the insert reaches the WAL, which is all the relay
    // reads, and the table never grows (docs/adr/0002-outbox-insert-then-delete.md).
    private static final String INSERT = """
            INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
            VALUES (:id, :destination, :key, :type, CAST(:payload AS jsonb))
            """;
    private static final String DELETE = "DELETE FROM outbox WHERE id = :id";

    private final JdbcClient jdbc;
    private final EnvelopeCodec codec;

    public OutboxWriter(JdbcClient jdbc, EnvelopeCodec codec) {
        this.jdbc = jdbc;
        this.codec = codec;
    }

    /**
     * Queues {@code envelope} for {@code destination} in the current transaction.
     *
     * @throws IllegalStateException if no transaction is active
     */
    public void append(String destination, Envelope envelope) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException(
                    "the outbox is written only inside the transaction of the change it announces");
        }
        UUID id = envelope.messageId().value();
        jdbc.sql(INSERT)
                .param("id", id)
                .param("destination", destination)
                .param("key", envelope.sagaId().toString())
                .param("type", envelope.type())
                .param("payload", codec.encode(envelope))
                .update();
        jdbc.sql(DELETE).param("id", id).update();
    }
}
