package io.sagaline.messaging;

/**
 * Kafka header names Sagaline sets. The relay copies the message id and type from the outbox row
 * into headers so consumers and operators can route and deduplicate without parsing the payload.
 */
public final class MessageHeaders {

    /** The envelope's message id, as the UUID's string form. */
    public static final String MESSAGE_ID = "sagaline-message-id";

    /** The envelope's message type, such as {@code AuthorizePayment}. */
    public static final String MESSAGE_TYPE = "sagaline-message-type";

    /** On a dead letter: why it could not be handled, in one line. */
    public static final String DEAD_LETTER_REASON = "sagaline-dead-letter-reason";

    /** On a dead letter: the exception class that sent it there. */
    public static final String DEAD_LETTER_EXCEPTION = "sagaline-dead-letter-exception";

    private MessageHeaders() {}
}
