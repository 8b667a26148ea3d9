package io.sagaline.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.RelayNames;
import io.sagaline.messaging.SagaId;
import io.sagaline.testing.KafkaServer;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.Records;
import io.sagaline.testing.TestInfrastructure;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One engine failing must not stop the others, and the failed one must come back by itself. */
class RelayEngineRecoveryIT {

    @Test
    void restartsAFailedEngineWhileTheOthersKeepRelaying() throws SQLException {
        KafkaServer kafka = TestInfrastructure.kafka();
        PostgresServer postgres = TestInfrastructure.postgres();
        String topic = PostgresServer.uniqueName("relay_recovery") + ".out";
        kafka.createTopics(1, topic);
        try (var fixture = new RelayFixture("relayrecover", kafka.bootstrapServers(), List.of("payment", "inventory"));
                var records = Records.consume(kafka.bootstrapServers(), topic)) {
            fixture.startRelay();
            var payment = fixture.service("payment");
            var inventory = fixture.service("inventory");
            SagaId saga = SagaId.random();

            // Keep cutting the engine's connection until Debezium's own retries give up and the
            // engine fails; meanwhile the inventory engine must keep relaying.
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        killReplicationConnection(postgres, payment.database().name());
                        return fixture.engineHealth("payment").path("restarts").asInt() >= 1;
                    });
            Envelope whilePaymentFails = RelayFixture.message(saga, "WhilePaymentFails", 1);
            inventory.write(topic, whilePaymentFails);
            fixture.awaitRelayed(records, 1, Duration.ofSeconds(30));

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> fixture.engineHealth("payment")
                            .path("state")
                            .asString()
                            .equals("RUNNING"));
            Envelope afterRecovery = RelayFixture.message(saga, "AfterRecovery", 2);
            payment.write(topic, afterRecovery);

            fixture.awaitRelayed(records, 2, Duration.ofSeconds(30));
            assertThat(records.records())
                    .extracting(r -> RelayFixture.CODEC.decode(r.value()).messageId())
                    .contains(whilePaymentFails.messageId(), afterRecovery.messageId());
            assertThat(fixture.engineHealth("inventory").path("restarts").asInt())
                    .isZero();
        }
    }

    /** Ends the engine's replication connection, if it has one, as a failover or a DBA would. */
    private static void killReplicationConnection(PostgresServer postgres, String database) throws SQLException {
        var superuser = postgres.superuser();
        try (var connection = DriverManager.getConnection(
                        postgres.jdbcUrl("postgres"), superuser.user(), superuser.password());
                var statement = connection.prepareStatement(
                        "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            statement.setString(1, RelayNames.slotOf(database));
            statement.executeQuery().close();
        }
    }
}
