package io.sagaline.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.MessageHeaders;
import io.sagaline.messaging.SagaId;
import io.sagaline.testing.KafkaServer;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.Records;
import io.sagaline.testing.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The relay over a database per service, one engine each; {@link SharedDatabaseRelayIT} runs the
 * same cases over one database with a schema per service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxRelayIT {

    private static final KafkaServer kafka = TestInfrastructure.kafka();
    RelayFixture fixture;
    private String topicPrefix;

    /** Whether the services' outboxes are schemas of one database rather than databases of their own. */
    boolean sharedDatabase() {
        return false;
    }

    @BeforeAll
    void startRelay() {
        topicPrefix = PostgresServer.uniqueName("relayit") + ".";
        fixture = new RelayFixture(
                TestInfrastructure.postgres(),
                "relayit",
                kafka.bootstrapServers(),
                RelayFixture.SERVICES,
                sharedDatabase());
        fixture.startRelay();
    }

    @AfterAll
    void stopRelay() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void deliversEachServicesOutboxToItsTopicKeyedBySagaInCommitOrder() {
        int sagasPerService = 4;
        int messagesPerSaga = 25;
        Map<String, String> topicOfService = new HashMap<>();
        for (String service : RelayFixture.SERVICES) {
            topicOfService.put(service, topicPrefix + service + ".out");
        }
        kafka.createTopics(3, topicOfService.values().toArray(String[]::new));

        try (Records records = Records.consume(kafka.bootstrapServers(), topicOfService.values())) {
            // Joined and assigned before the first write, so what follows measures the relay alone.
            records.awaitAssignment(3 * topicOfService.size(), Duration.ofSeconds(30));
            Map<String, List<Envelope>> writtenPerSaga = new HashMap<>();
            List<SagaId> sagas = new ArrayList<>();
            for (int i = 0; i < sagasPerService * RelayFixture.SERVICES.size(); i++) {
                sagas.add(SagaId.random());
            }
            // Interleave sagas and databases so that order per key is not an accident of batching.
            for (int sequence = 0; sequence < messagesPerSaga; sequence++) {
                for (int s = 0; s < sagas.size(); s++) {
                    String service = RelayFixture.SERVICES.get(s % RelayFixture.SERVICES.size());
                    Envelope message = RelayFixture.message(sagas.get(s), "Step" + sequence, sequence);
                    fixture.service(service).write(topicOfService.get(service), message);
                    writtenPerSaga
                            .computeIfAbsent(sagas.get(s).toString(), k -> new ArrayList<>())
                            .add(message);
                }
            }

            int expected = sagas.size() * messagesPerSaga;
            List<ConsumerRecord<String, String>> received =
                    fixture.awaitRelayed(records, expected, Duration.ofSeconds(60));
            assertThat(received).hasSize(expected);

            Map<String, List<ConsumerRecord<String, String>>> receivedPerSaga =
                    received.stream().collect(Collectors.groupingBy(ConsumerRecord::key));
            assertThat(receivedPerSaga.keySet()).isEqualTo(writtenPerSaga.keySet());
            for (int s = 0; s < sagas.size(); s++) {
                String sagaId = sagas.get(s).toString();
                String service = RelayFixture.SERVICES.get(s % RelayFixture.SERVICES.size());
                List<Envelope> written = writtenPerSaga.get(sagaId);
                List<ConsumerRecord<String, String>> got = receivedPerSaga.get(sagaId);
                assertThat(got).allSatisfy(record -> assertThat(record.topic()).isEqualTo(topicOfService.get(service)));
                assertThat(got.stream()
                                .map(r -> header(r, MessageHeaders.MESSAGE_ID))
                                .toList())
                        .as("messages of saga %s in commit order", sagaId)
                        .containsExactlyElementsOf(written.stream()
                                .map(e -> e.messageId().toString())
                                .toList());
                assertThat(got.stream()
                                .map(r -> header(r, MessageHeaders.MESSAGE_TYPE))
                                .toList())
                        .containsExactlyElementsOf(
                                written.stream().map(Envelope::type).toList());
                assertThat(got.stream()
                                .map(r -> RelayFixture.CODEC.decode(r.value()))
                                .toList())
                        .containsExactlyElementsOf(written);
            }
        }
    }

    @Test
    void publishesNothingForARolledBackTransaction() {
        String topic = topicPrefix + "rollback";
        kafka.createTopics(1, topic);
        SagaId saga = SagaId.random();
        Envelope rolledBack = RelayFixture.message(saga, "RolledBack", 1);
        Envelope committed = RelayFixture.message(saga, "Committed", 2);
        var payment = fixture.service("payment");

        try (Records records = Records.consume(kafka.bootstrapServers(), topic)) {
            payment.writeAndRollBack(topic, rolledBack);
            payment.write(topic, committed);

            // The committed message comes after the rolled-back one in the WAL, so once it is
            // here the rolled-back one would have been too.
            List<ConsumerRecord<String, String>> received = fixture.awaitRelayed(records, 1, Duration.ofSeconds(30));
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> records.records().size() == 1);
            assertThat(received)
                    .extracting(r -> header(r, MessageHeaders.MESSAGE_ID))
                    .containsExactly(committed.messageId().toString());
        }
    }

    static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
