package io.sagaline.messaging;

/**
 * A message that can never be handled, however often it is retried: it does not parse, misses a
 * field, or has a type its consumer does not know. The error handler sends it to the dead-letter
 * topic at once, without retries.
 */
public class MalformedMessageException extends RuntimeException {

    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
