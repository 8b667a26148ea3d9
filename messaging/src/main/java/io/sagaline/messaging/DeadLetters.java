package io.sagaline.messaging;

import io.sagaline.messaging.MessagingProperties.RetrySettings;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * The error handling of every Sagaline Kafka listener: a failing message is retried a bounded
 * number of times with exponential backoff, then published to the dead-letter topic of the topic
 * it came from, with the failure in its headers, and its offset is committed so the partition
 * moves on. A {@link MalformedMessageException} skips the retries: it would fail the same way.
 */
public final class DeadLetters {

    private DeadLetters() {}

    /** An error handler that dead-letters through {@code template}, which must serialize String values. */
    public static DefaultErrorHandler errorHandler(KafkaOperations<?, ?> template, RetrySettings retry) {
        var recoverer = new DeadLetterPublishingRecoverer(
                template,
                // A negative partition lets the producer choose: dead-letter topics need not mirror
                // the partition count of the topic they serve.
                (record, failure) -> new TopicPartition(Topics.deadLetterOf(record.topic()), -1));
        recoverer.setHeadersFunction((record, failure) -> {
            Throwable cause = unwrapListenerFailure(failure);
            var headers = new RecordHeaders();
            headers.add(MessageHeaders.DEAD_LETTER_REASON, utf8(oneLine(cause)));
            headers.add(
                    MessageHeaders.DEAD_LETTER_EXCEPTION, utf8(cause.getClass().getName()));
            return headers;
        });

        var backOff = new ExponentialBackOffWithMaxRetries(retry.attempts());
        backOff.setInitialInterval(retry.initialInterval().toMillis());
        backOff.setMultiplier(retry.multiplier());
        backOff.setMaxInterval(retry.maxInterval().toMillis());

        var handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(MalformedMessageException.class, DeserializationException.class);
        handler.setCommitRecovered(true);
        // The records after a failed one stay in memory and are handed over again, without a seek.
        // A seek would wait for the consumer's fetch in flight, which an idle broker holds for up
        // to fetch-max-wait (5 s, ADR 21): a run of bad messages would cost that much each.
        handler.setSeekAfterError(false);
        return handler;
    }

    /**
     * The exception the listener threw, without spring-kafka's wrappers around it. Not the deepest
     * cause: for a message that does not parse that would be the JSON parser's exception, where
     * the one that decided the dead letter is {@link MalformedMessageException}.
     */
    private static Throwable unwrapListenerFailure(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof KafkaException && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String oneLine(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 500 ? line.substring(0, 500) : line;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
