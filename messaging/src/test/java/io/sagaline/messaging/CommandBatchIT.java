package io.sagaline.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentAuthorized;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * A participant that handles a poll's commands in one transaction ({@link
 * IdempotentCommands#handleBatch}), on a real broker and database, with nothing but the messaging
 * module's auto-configuration: a backlog is applied in batches, a poison message in a batch is
 * dead-lettered alone, and everything around it is applied exactly once.
 */
class CommandBatchIT {

    private static final String REPLIES = "command-batch-it-replies";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final EnvelopeCodec CODEC =
            new EnvelopeCodec(JsonMapper.builder().build());
    private static final String POISON = "not an envelope {";
    private static final String FAILING_KEY = "handler-fails";

    private static final List<Envelope> backlog = new ArrayList<>();
    private static ListeningApplication app;
    private static BatchListener listener;
    private static JdbcClient jdbc;

    @BeforeAll
    static void sendABacklogThenStartTheParticipant() {
        app = new ListeningApplication("command-batch-it");
        // The whole backlog waits on the topic before the participant starts, so its first polls
        // return many records: 60 commands, a poison message and a command whose handler always
        // fails in the middle, and the 10th command delivered a second time.
        for (int i = 0; i < 60; i++) {
            backlog.add(authorize("saga-" + i + ":authorize"));
        }
        for (int i = 0; i < 60; i++) {
            send(CODEC.encode(backlog.get(i)));
            if (i == 20) {
                send(POISON);
            }
            if (i == 30) {
                send(CODEC.encode(authorize(FAILING_KEY)));
            }
            if (i == 40) {
                send(CODEC.encode(backlog.get(10)));
            }
        }
        var context = app.start(
                ListenerApplication.class,
                "--sagaline.messaging.retry.attempts=1",
                "--sagaline.messaging.retry.initial-interval=50ms");
        listener = context.getBean(BatchListener.class);
        jdbc = context.getBean(JdbcClient.class);
    }

    @AfterAll
    static void stopParticipant() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void appliesEveryCommandOnceAndDeadLettersOnlyTheTwoThatFail() {
        List<ConsumerRecord<String, String>> dead = app.deadLetters().awaitCount(2, TIMEOUT);
        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(count("command_log")).isEqualTo(60));

        assertThat(dead).extracting(ConsumerRecord::value).first().isEqualTo(POISON);
        assertThat(CODEC.decode(dead.get(1).value()).idempotencyKey()).isEqualTo(FAILING_KEY);
        for (Envelope command : backlog) {
            assertThat(listener.handled(command.idempotencyKey()))
                    .as("times %s was applied and committed", command.idempotencyKey())
                    .isOne();
        }
        assertThat(count("inbox"))
                .as("each message id recorded once, the redelivered one too")
                .isEqualTo(60);
        assertThat(app.deadLetters().records()).as("nothing else dead-lettered").hasSize(2);
        assertThat(listener.largestBatch())
                .as("records in the largest poll handed to the listener")
                .isGreaterThan(1);
    }

    private static long count(String table) {
        return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }

    private static void send(String value) {
        app.send("key", value);
    }

    private static Envelope authorize(String idempotencyKey) {
        var command = new AuthorizePayment(UUID.randomUUID(), "alice", Money.of(12_50, "EUR"));
        return Envelope.command(
                SagaId.random(), MessageTypes.of(command), CODEC.toTree(command), idempotencyKey, Instant.now());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(BatchListener.class)
    static class ListenerApplication {}

    /** Authorizes payments as a participant would, counting how often each key's effect committed. */
    static class BatchListener {

        private final IdempotentCommands commands;
        private final JdbcClient jdbc;
        private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

        BatchListener(IdempotentCommands commands, JdbcClient jdbc) {
            this.commands = commands;
            this.jdbc = jdbc;
        }

        @KafkaListener(topics = "${listening-application.topic}", batch = "true")
        void on(List<ConsumerRecord<String, String>> records) {
            batchSizes.add(records.size());
            commands.handleBatch("command-batch-it", records, REPLIES, this::authorize);
        }

        private Record authorize(Envelope envelope, Record message) {
            if (envelope.idempotencyKey().equals(FAILING_KEY)) {
                throw new IllegalStateException("the card network refuses this one every time");
            }
            // Counted after commit only, so a rolled-back batch does not count its commands.
            String key = envelope.idempotencyKey();
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    handled.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                }
            });
            var command = (AuthorizePayment) message;
            return new PaymentAuthorized(command.orderId(), UUID.randomUUID(), command.amount(), Instant.now());
        }

        int handled(String idempotencyKey) {
            AtomicInteger count = handled.get(idempotencyKey);
            return count == null ? 0 : count.get();
        }

        int largestBatch() {
            return batchSizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        }
    }
}
