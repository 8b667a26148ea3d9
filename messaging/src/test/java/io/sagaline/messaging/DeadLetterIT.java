package io.sagaline.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * A Spring Boot application that consumes with nothing but the messaging module's auto-configuration
 * (its error handler on Boot's default listener container factory, its inbox, its migrations), on a
 * real broker and database.
 */
class DeadLetterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int RETRIES = 2;

    private static ListeningApplication app;
    private static NoteListener listener;
    private static EnvelopeCodec codec;
    private static JdbcClient jdbc;

    @BeforeAll
    static void startApplication() {
        app = new ListeningApplication("dead-letter-it");
        var context = app.start(
                ListenerApplication.class,
                "--sagaline.messaging.retry.attempts=" + RETRIES,
                "--sagaline.messaging.retry.initial-interval=50ms");
        listener = context.getBean(NoteListener.class);
        codec = context.getBean(EnvelopeCodec.class);
        jdbc = context.getBean(JdbcClient.class);
    }

    @AfterAll
    static void stopApplication() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void poisonMessageIsDeadLetteredAndTheGoodMessageBehindItIsApplied() {
        SagaId saga = SagaId.random();
        String poison = "this is not an envelope {";
        long poisonOffset = send(saga, poison);
        Envelope good = note(saga, NoteListener.RECORD_NOTE, "after the poison");
        send(saga, codec.encode(good));

        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(timesApplied(good)).isOne());
        ConsumerRecord<String, String> dead = awaitDeadLetter(saga);

        assertThat(dead.value()).isEqualTo(poison);
        assertThat(header(dead, MessageHeaders.DEAD_LETTER_EXCEPTION)).isNotBlank();
        assertThat(header(dead, MessageHeaders.DEAD_LETTER_REASON)).isNotBlank();
        assertThat(header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(app.topic());
        assertThat(ByteBuffer.wrap(bytes(dead, KafkaHeaders.DLT_ORIGINAL_PARTITION))
                        .getInt())
                .isZero();
        assertThat(ByteBuffer.wrap(bytes(dead, KafkaHeaders.DLT_ORIGINAL_OFFSET))
                        .getLong())
                .isEqualTo(poisonOffset);
        assertThat(listener.deliveries(poisonOffset))
                .as("deliveries of the poison")
                .isOne();
        assertThat(deadLettersOf(saga)).hasSize(1);
    }

    @Test
    void deadLetterOfAMessageThatDoesNotParseNamesMalformedMessageException() {
        SagaId saga = SagaId.random();
        send(saga, "{\"truncated\": ");

        ConsumerRecord<String, String> dead = awaitDeadLetter(saga);

        assertThat(header(dead, MessageHeaders.DEAD_LETTER_EXCEPTION))
                .isEqualTo(MalformedMessageException.class.getName());
        assertThat(header(dead, MessageHeaders.DEAD_LETTER_REASON)).startsWith("not a Sagaline envelope");
    }

    @Test
    void envelopeOfUnknownTypeIsDeadLetteredWithoutRetries() {
        SagaId saga = SagaId.random();
        Envelope unknown = note(saga, "CancelEverything", "nobody handles this");
        String value = codec.encode(unknown);
        long offset = send(saga, value);

        ConsumerRecord<String, String> dead = awaitDeadLetter(saga);

        assertThat(dead.value()).isEqualTo(value);
        assertThat(dead.key()).isEqualTo(saga.toString());
        assertThat(header(dead, MessageHeaders.DEAD_LETTER_EXCEPTION))
                .isEqualTo(MalformedMessageException.class.getName());
        assertThat(header(dead, MessageHeaders.DEAD_LETTER_REASON)).contains("CancelEverything");
        assertThat(listener.deliveries(offset))
                .as("deliveries of the unknown type")
                .isOne();
        assertThat(timesApplied(unknown)).isZero();
        assertThat(inboxEntries(unknown)).isZero();
    }

    @Test
    void transientFailureIsRetriedAndAppliedOnceWithoutDeadLettering() {
        SagaId saga = SagaId.random();
        Envelope flaky = note(saga, NoteListener.RECORD_NOTE_AFTER_TWO_FAILURES, "third time lucky");
        long offset = send(saga, codec.encode(flaky));
        // Dead-lettered at once, after the flaky message on the same partition: once it arrives on the
        // dead-letter topic, a dead letter of the flaky message would have arrived before it.
        String sentinel = "sentinel, not an envelope";
        send(saga, sentinel);

        awaitDeadLetter(saga);

        assertThat(deadLettersOf(saga)).extracting(ConsumerRecord::value).containsExactly(sentinel);
        assertThat(listener.deliveries(offset))
                .as("deliveries of the flaky message")
                .isEqualTo(3);
        assertThat(listener.outcomes(flaky)).containsExactly(true);
        assertThat(timesApplied(flaky)).isOne();
        assertThat(inboxEntries(flaky)).isOne();
    }

    @Test
    void failureThatOutlastsTheRetriesIsDeadLetteredAfterTheLastOne() {
        SagaId saga = SagaId.random();
        Envelope failing = note(saga, NoteListener.ALWAYS_FAIL, "never applies");
        long offset = send(saga, codec.encode(failing));

        ConsumerRecord<String, String> dead = awaitDeadLetter(saga);

        assertThat(listener.deliveries(offset))
                .as("deliveries of the failing message")
                .isEqualTo(1 + RETRIES);
        assertThat(header(dead, MessageHeaders.DEAD_LETTER_EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
        assertThat(header(dead, MessageHeaders.DEAD_LETTER_REASON)).isEqualTo(NoteListener.DOWNSTREAM_DOWN);
        assertThat(timesApplied(failing)).isZero();
        assertThat(inboxEntries(failing)).isZero();
    }

    @Test
    void messageDeliveredTwiceIsAppliedOnce() {
        SagaId saga = SagaId.random();
        Envelope good = note(saga, NoteListener.RECORD_NOTE, "only once");
        String value = codec.encode(good);
        send(saga, value);
        send(saga, value);

        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(listener.outcomes(good)).hasSize(2));

        assertThat(listener.outcomes(good)).containsExactly(true, false);
        assertThat(timesApplied(good)).isOne();
        assertThat(inboxEntries(good)).isOne();
    }

    private static long send(SagaId saga, String value) {
        return app.send(saga.toString(), value);
    }

    private static ConsumerRecord<String, String> awaitDeadLetter(SagaId saga) {
        await("a dead letter of saga " + saga)
                .atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(deadLettersOf(saga)).isNotEmpty());
        return deadLettersOf(saga).getFirst();
    }

    private static List<ConsumerRecord<String, String>> deadLettersOf(SagaId saga) {
        return app.deadLetters().records().stream()
                .filter(record -> saga.toString().equals(record.key()))
                .toList();
    }

    private static long timesApplied(Envelope envelope) {
        return jdbc.sql("SELECT count(*) FROM notes WHERE message_id = :id")
                .param("id", envelope.messageId().value())
                .query(Long.class)
                .single();
    }

    private static long inboxEntries(Envelope envelope) {
        return jdbc.sql("SELECT count(*) FROM inbox WHERE consumer = :consumer AND message_id = :id")
                .param("consumer", NoteListener.CONSUMER)
                .param("id", envelope.messageId().value())
                .query(Long.class)
                .single();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(bytes(record, name), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return header.value();
    }

    private static Envelope note(SagaId saga, String type, String text) {
        return Envelope.command(
                saga,
                type,
                codec.toTree(new NoteListener.Note(text)),
                saga + ":" + type + ":" + UUID.randomUUID(),
                Instant.now());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(NoteListener.class)
    static class ListenerApplication {}

    /** Applies notes through the inbox, the way a Sagaline participant applies its commands. */
    static class NoteListener {

        static final String CONSUMER = "dead-letter-it";
        static final String RECORD_NOTE = "RecordNote";
        static final String RECORD_NOTE_AFTER_TWO_FAILURES = "RecordNoteAfterTwoFailures";
        static final String ALWAYS_FAIL = "FailToRecordNote";
        static final String DOWNSTREAM_DOWN = "the note store is down";

        record Note(String text) {}

        private final EnvelopeCodec codec;
        private final Inbox inbox;
        private final JdbcClient jdbc;
        private final Map<Long, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        private final Map<MessageId, AtomicInteger> effectRuns = new ConcurrentHashMap<>();
        private final Map<MessageId, List<Boolean>> outcomes = new ConcurrentHashMap<>();

        NoteListener(EnvelopeCodec codec, Inbox inbox, JdbcClient jdbc) {
            this.codec = codec;
            this.inbox = inbox;
            this.jdbc = jdbc;
        }

        @KafkaListener(topics = "${listening-application.topic}")
        void on(ConsumerRecord<String, String> record) {
            deliveries
                    .computeIfAbsent(record.offset(), offset -> new AtomicInteger())
                    .incrementAndGet();
            Envelope envelope = codec.decode(record.value());
            Consumer<Envelope> effect = switch (envelope.type()) {
                case RECORD_NOTE -> this::record;
                case RECORD_NOTE_AFTER_TWO_FAILURES -> this::recordAfterTwoFailures;
                case ALWAYS_FAIL -> this::fail;
                default -> throw new MalformedMessageException("unknown message type " + envelope.type());
            };
            boolean applied = inbox.processOnce(CONSUMER, envelope, effect);
            outcomes.computeIfAbsent(envelope.messageId(), id -> new CopyOnWriteArrayList<>())
                    .add(applied);
        }

        int deliveries(long offset) {
            AtomicInteger count = deliveries.get(offset);
            return count == null ? 0 : count.get();
        }

        List<Boolean> outcomes(Envelope envelope) {
            return List.copyOf(outcomes.getOrDefault(envelope.messageId(), List.of()));
        }

        private void record(Envelope envelope) {
            jdbc.sql("INSERT INTO notes (message_id, saga_id, text) VALUES (:id, :saga, :text)")
                    .param("id", envelope.messageId().value())
                    .param("saga", envelope.sagaId().value())
                    .param("text", codec.payload(envelope, Note.class).text())
                    .update();
        }

        private void recordAfterTwoFailures(Envelope envelope) {
            // Writes first, so the rollback of a failed attempt is what keeps the row count at one.
            record(envelope);
            int run = effectRuns
                    .computeIfAbsent(envelope.messageId(), id -> new AtomicInteger())
                    .incrementAndGet();
            if (run <= 2) {
                throw new RuntimeException("transient failure " + run);
            }
        }

        private void fail(Envelope envelope) {
            throw new IllegalStateException(DOWNSTREAM_DOWN);
        }
    }
}
