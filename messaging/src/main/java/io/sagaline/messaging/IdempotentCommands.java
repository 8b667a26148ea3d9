package io.sagaline.messaging;

import io.sagaline.messaging.contract.MessageTypes;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * How a participant handles a saga command: exactly once per idempotency key, with its reply
 * written to the outbox in the same transaction as the effect.
 *
 * <p>Two kinds of repeat are absorbed. A redelivered message (same message id) is skipped by the
 * {@link Inbox}. A retried command (a new message with the same idempotency key, sent after a
 * timeout or a retryable failure) is answered with the reply stored the first time, and the
 * handler does not run again. Thread-safe.
 */
public final class IdempotentCommands {

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
    private final Clock clock;

    public IdempotentCommands(Inbox inbox, OutboxWriter outbox, EnvelopeCodec codec, JdbcClient jdbc, Clock clock) {
        this.inbox = inbox;
        this.outbox = outbox;
        this.codec = codec;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Handles {@code command} in one transaction: inbox record, the handler's change, the stored
     * reply, and the reply on {@code replyTopic} through the outbox.
     *
     * @param consumer the participant's name, such as {@code payment-svc}
     * @param commands the participant's sealed command interface, such as {@code PaymentCommand}
     * @param handler applies the command (its payload already parsed to its record type) and
     *     returns the reply, one of the participant's sealed reply records; it runs at most once
     *     per idempotency key. An exception rolls everything back and is retried, then
     *     dead-lettered, by the listener's error handler.
     * @return whether this delivery did anything: false for a redelivered message
     * @throws MalformedMessageException if the command's type is unknown or not one of {@code
     *     commands}, or its payload does not parse
     */
    public <C, R> boolean handle(
            String consumer, Envelope command, Class<C> commands, String replyTopic, Function<C, R> handler) {
        C payload = codec.message(command, commands, consumer);
        return inbox.processOnce(consumer, command, envelope -> {
            StoredReply reply = previousReply(consumer, envelope).orElseGet(() -> {
                R fresh = handler.apply(payload);
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
