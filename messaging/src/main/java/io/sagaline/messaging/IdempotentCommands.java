package io.sagaline.messaging;

import io.sagaline.messaging.contract.MessageTypes;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.transaction.support.TransactionOperations;
import tools.jackson.databind.JsonNode;

/**
 * How a participant handles a saga command: exactly once per idempotency key, with its reply
 * written to the outbox in the same transaction as the effect.
 *
 * <p>Two kinds of repeat are absorbed. A redelivered message (same message id) is skipped by the
 * {@link Inbox}. A retried command (a new message with the same idempotency key, sent after a
 * timeout or a retryable failure) is answered with the reply stored the first time, and the
 * handler does not run again.
 *
 * <p>A poll's commands can be handled together ({@link #handleBatch}): one transaction, one commit,
 * for all of them, and one by one when that fails. Thread-safe.
 */
public final class IdempotentCommands {

    private static final Logger log = LoggerFactory.getLogger(IdempotentCommands.class);

    private static final String FIND = """
            SELECT reply_type, reply_payload::text AS reply_payload FROM command_log
            WHERE consumer = :consumer AND idempotency_key = :key
            """;
    private static final String STORE = """
            INSERT INTO command_log (consumer, idempotency_key, reply_type, reply_payload, handled_at)
            VALUES (:consumer, :key, :type, CAST(:payload AS jsonb), :handledAt)
            """;

    private final Inbox inbox;
    private final OutboxWriter outbox;
    private final EnvelopeCodec codec;
    private final JdbcClient jdbc;
    private final TransactionOperations transactions;
    private final Clock clock;

    public IdempotentCommands(
            Inbox inbox,
            OutboxWriter outbox,
            EnvelopeCodec codec,
            JdbcClient jdbc,
            TransactionOperations transactions,
            Clock clock) {
        this.inbox = inbox;
        this.outbox = outbox;
        this.codec = codec;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Handles the commands of one poll, as {@link #handle} handles one, in a single transaction: a
     * backlog costs one commit per poll instead of one per command. If any of them fails, that
     * transaction rolls back and the commands are handled again one by one, each in its own
     * transaction. The first that fails then ends the batch with a {@link
     * BatchListenerFailedException} naming its index: the listener's error handler commits the
     * offsets before it, and retries, then dead-letters, that command alone, exactly as for a
     * listener of single records.
     *
     * @param records the poll's records, each a command envelope, in partition order
     */
    public void handleBatch(
            String consumer,
            List<ConsumerRecord<String, String>> records,
            String replyTopic,
            BiFunction<Envelope, Record, Record> handler) {
        if (records.size() > 1) {
            try {
                transactions.executeWithoutResult(status -> {
                    for (ConsumerRecord<String, String> record : records) {
                        handle(consumer, codec.decode(record.value()), replyTopic, handler);
                    }
                });
                return;
            } catch (RuntimeException e) {
                log.debug("A batch of {} commands failed ({}); handling them one by one", records.size(), e.toString());
            }
        }
        for (int i = 0; i < records.size(); i++) {
            try {
                handle(consumer, codec.decode(records.get(i).value()), replyTopic, handler);
            } catch (RuntimeException e) {
                throw new BatchListenerFailedException(String.valueOf(e.getMessage()), e, i);
            }
        }
    }

    /**
     * Handles {@code command} in one transaction: inbox record, the handler's change, the stored
     * reply, and the reply on {@code replyTopic} through the outbox.
     *
     * @param consumer the participant's name, such as {@code payment-svc}
     * @param handler applies the command (its payload already parsed to its record type) and
     *     returns the reply record; it runs at most once per idempotency key. An exception rolls
     *     everything back and is retried, then dead-lettered, by the listener's error handler.
     * @return whether this delivery did anything: false for a redelivered message
     * @throws MalformedMessageException if the command's type is unknown or its payload does not
     *     parse
     */
    public boolean handle(
            String consumer, Envelope command, String replyTopic, BiFunction<Envelope, Record, Record> handler) {
        Class<? extends Record> type = MessageTypes.named(command.type())
                .orElseThrow(() -> new MalformedMessageException("unknown message type " + command.type()));
        Record payload = codec.payload(command, type);
        return inbox.processOnce(consumer, command, envelope -> {
            StoredReply reply = previousReply(consumer, envelope).orElseGet(() -> {
                Record fresh = handler.apply(envelope, payload);
                StoredReply stored = new StoredReply(MessageTypes.of(fresh), codec.toTree(fresh));
                jdbc.sql(STORE)
                        .param("consumer", consumer)
                        .param("key", envelope.idempotencyKey())
                        .param("type", stored.type())
                        .param("payload", stored.payload().toString())
                        .param("handledAt", Timestamp.from(clock.instant()))
                        .update();
                return stored;
            });
            outbox.append(replyTopic, envelope.reply(reply.type(), reply.payload(), clock.instant()));
        });
    }

    private Optional<StoredReply> previousReply(String consumer, Envelope command) {
        return jdbc.sql(FIND)
                .param("consumer", consumer)
                .param("key", command.idempotencyKey())
                .query((rows, n) ->
                        new StoredReply(rows.getString("reply_type"), codec.parseTree(rows.getString("reply_payload"))))
                .optional();
    }

    private record StoredReply(String type, JsonNode payload) {}
}
