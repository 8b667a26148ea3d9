package io.sagaline.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.Inbox;
import io.sagaline.messaging.SagaId;
import io.sagaline.testing.DedicatedKafka;
import io.sagaline.testing.KafkaServer;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.Records;
import io.sagaline.testing.TestInfrastructure;
import io.sagaline.testing.TestRelay;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Crashes mid-stream: every committed message still arrives, and the inbox applies each once. */
class RelayCrashIT {

    private static final int MESSAGES = 3_000;
    private static final int RATE_PER_SECOND = 600;

    @Test
    void deliversEveryCommittedMessageAfterTheRelayIsKilledAndTheInboxAppliesEachOnce() {
        KafkaServer kafka = TestInfrastructure.kafka();
        String topic = PostgresServer.uniqueName("relay_kill") + ".out";
        kafka.createTopics(3, topic);
        try (var fixture = new RelayFixture("relaykill", kafka.bootstrapServers(), RelayFixture.SERVICES);
                var records = Records.consume(kafka.bootstrapServers(), topic)) {
            TestRelay relay = fixture.startRelay();
            Set<String> written = ConcurrentHashMap.newKeySet();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeStream(fixture, topic, written));

            await().atMost(Duration.ofSeconds(60)).until(() -> records.records().size() >= MESSAGES / 3);
            relay.kill9();
            int beforeRestart = records.records().size();
            relay.restart();
            relay.awaitStreaming(Duration.ofSeconds(90));

            writer.join();
            List<ConsumerRecord<String, String>> received = awaitAll(records, written);
            System.out.printf(
                    "relay kill -9: %d written, %d received before the kill, %d deliveries in all (%d repeated)%n",
                    written.size(), beforeRestart, received.size(), received.size() - written.size());

            assertAppliedExactlyOnceThroughInbox(fixture.service("orchestrator"), received, written);
        }
    }

    @Test
    void losesNothingWhenTheKafkaBrokerIsKilledMidStream() {
        try (DedicatedKafka kafka = TestInfrastructure.dedicatedKafka("relay-broker-kill")) {
            String topic = "broker_kill.out";
            kafka.createTopics(3, topic);
            try (var fixture = new RelayFixture("brokerkill", kafka.bootstrapServers(), RelayFixture.SERVICES);
                    var records = Records.consume(kafka.bootstrapServers(), topic)) {
                fixture.startRelay();
                Set<String> written = ConcurrentHashMap.newKeySet();
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeStream(fixture, topic, written));

                await().atMost(Duration.ofSeconds(60))
                        .until(() -> records.records().size() >= MESSAGES / 3);
                kafka.kill();
                kafka.start();

                writer.join();
                List<ConsumerRecord<String, String>> received = awaitAll(records, written);
                System.out.printf(
                        "broker kill -9: %d written, %d deliveries (%d repeated)%n",
                        written.size(), received.size(), received.size() - written.size());
            }
        }
    }

    /** Writes MESSAGES messages round-robin over the five databases at a steady rate. */
    private static void writeStream(RelayFixture fixture, String topic, Set<String> written) {
        List<RelayFixture.Service> services = fixture.services();
        List<SagaId> sagas = List.of(SagaId.random(), SagaId.random(), SagaId.random(), SagaId.random());
        long intervalNanos = 1_000_000_000L / RATE_PER_SECOND;
        long next = System.nanoTime();
        for (int i = 0; i < MESSAGES; i++) {
            Envelope message = RelayFixture.message(sagas.get(i % sagas.size()), "Streamed", i);
            services.get(i % services.size()).write(topic, message);
            written.add(message.messageId().toString());
            next += intervalNanos;
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    private static List<ConsumerRecord<String, String>> awaitAll(Records records, Set<String> written) {
        await().atMost(Duration.ofSeconds(120))
                .until(() -> messageIds(records.records()).containsAll(written));
        List<ConsumerRecord<String, String>> received = records.records();
        assertThat(messageIds(received)).isEqualTo(written);
        return received;
    }

    private static Set<String> messageIds(List<ConsumerRecord<String, String>> records) {
        return records.stream()
                .map(record ->
                        RelayFixture.CODEC.decode(record.value()).messageId().toString())
                .collect(Collectors.toSet());
    }

    /** Feeds every delivery, repeats included, to an inbox-guarded effect; each must apply once. */
    private static void assertAppliedExactlyOnceThroughInbox(
            RelayFixture.Service consumerDb, List<ConsumerRecord<String, String>> deliveries, Set<String> written) {
        var jdbc = JdbcClient.create(consumerDb.dataSource());
        consumerDb.inTransaction(status ->
                jdbc.sql("CREATE TABLE applied (message_id uuid NOT NULL)").update());
        var inbox = new Inbox(jdbc, consumerDb.tx(), Clock.systemUTC());
        int applied = 0;
        for (ConsumerRecord<String, String> delivery : deliveries) {
            Envelope envelope = RelayFixture.CODEC.decode(delivery.value());
            if (inbox.processOnce(
                    "relay-crash-test",
                    envelope,
                    e -> jdbc.sql("INSERT INTO applied VALUES (?)")
                            .param(e.messageId().value())
                            .update())) {
                applied++;
            }
        }
        assertThat(applied).isEqualTo(written.size());
        assertThat(jdbc.sql("SELECT count(*) FROM applied").query(Long.class).single())
                .isEqualTo(written.size());
        assertThat(jdbc.sql("SELECT count(DISTINCT message_id) FROM applied")
                        .query(Long.class)
                        .single())
                .isEqualTo(written.size());
    }
}
