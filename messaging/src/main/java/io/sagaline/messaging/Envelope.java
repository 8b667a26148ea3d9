package io.sagaline.messaging;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The one shape of every Sagaline message on Kafka, command or reply.
 *
 * @param messageId unique per message; consumers deduplicate on it
 * @param sagaId the saga the message belongs to; also the Kafka key
 * @param type the message type, such as {@code AuthorizePayment} or {@code PaymentAuthorized}
 * @param payload the type-specific body
 * @param idempotencyKey for commands: saga id, step and action, the same on every retry of one
 *     request, so a participant applies it once; for replies: the key of the command answered
 * @param inReplyTo for replies: the message id of the command answered; {@code null} on commands
 * @param correlationId ties a message to what caused it outside the saga, such as a client's
 *     request key; may be {@code null}
 * @param traceparent W3C trace context of the sender, {@code null} when not traced
 * @param createdAt when the sender wrote the message
 */
public record Envelope(
        MessageId messageId,
        SagaId sagaId,
        String type,
        JsonNode payload,
        String idempotencyKey,
        @Nullable MessageId inReplyTo,
        @Nullable String correlationId,
        @Nullable String traceparent,
        Instant createdAt) {

    public Envelope {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(createdAt, "createdAt");
        if (payload.isNull() || payload.isMissingNode()) {
            throw new IllegalArgumentException("payload must be a JSON value, not null");
        }
        if (type.isBlank()) {
            throw new IllegalArgumentException("type must not be blank");
        }
        if (idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("idempotencyKey must not be blank");
        }
    }

    /** A new command of a saga, under the idempotency key that every retry of it repeats. */
    public static Envelope command(
            SagaId sagaId, String type, JsonNode payload, String idempotencyKey, Instant createdAt) {
        return new Envelope(MessageId.random(), sagaId, type, payload, idempotencyKey, null, null, null, createdAt);
    }

    /** A reply to this message: same saga, same idempotency key, naming this message as its request. */
    public Envelope reply(String replyType, JsonNode replyPayload, Instant repliedAt) {
        return new Envelope(
                MessageId.random(),
                sagaId,
                replyType,
                replyPayload,
                idempotencyKey,
                messageId,
                correlationId,
                traceparent,
                repliedAt);
    }

    public Envelope withCorrelationId(@Nullable String correlation) {
        return new Envelope(
                messageId, sagaId, type, payload, idempotencyKey, inReplyTo, correlation, traceparent, createdAt);
    }

    public Envelope withTraceparent(@Nullable String trace) {
        return new Envelope(
                messageId, sagaId, type, payload, idempotencyKey, inReplyTo, correlationId, trace, createdAt);
    }
}
