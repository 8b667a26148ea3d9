package io.sagaline.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.MessagingProperties.OutboxSettings;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

class RelaySlotGateIT {

    private final PostgresServer postgres = TestInfrastructure.postgres();
    private TestDatabase database;
    private com.zaxxer.hikari.HikariDataSource dataSource;

    @BeforeEach
    void createDatabase() {
        database = postgres.createDatabase(PostgresServer.uniqueName("slot_gate_it"));
        dataSource = postgres.dataSource(database);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/messaging")
                .load()
                .migrate();
    }

    @AfterEach
    void dropDatabase() {
        dataSource.close();
        postgres.dropDatabase(database.name());
    }

    @Test
    void holdsTheStartUntilTheRelaysSlotAndPublicationExist() throws SQLException {
        var gate = new RelaySlotGate(JdbcClient.create(dataSource), settings(Duration.ofMinutes(1)));
        CompletableFuture<Void> start = CompletableFuture.runAsync(gate::start);

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !start.isDone());
        createPublicationAndSlot();

        await().atMost(Duration.ofSeconds(10)).until(start::isDone);
        assertThat(start).isCompleted();
        assertThat(gate.isRunning()).isTrue();
    }

    @Test
    void failsTheStartWithTheReasonWhenTheRelayNeverComes() {
        var gate = new RelaySlotGate(JdbcClient.create(dataSource), settings(Duration.ofMillis(600)));

        assertThatThrownBy(gate::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sagaline_outbox_<database>")
                .hasMessageContaining("start the relay");
        assertThat(gate.isRunning()).isFalse();
    }

    private static OutboxSettings settings(Duration timeout) {
        return new OutboxSettings(true, timeout, "sagaline_outbox_", "sagaline_outbox");
    }

    /** What the relay's engine does on its first start. */
    private void createPublicationAndSlot() throws SQLException {
        var superuser = postgres.superuser();
        try (var connection = DriverManager.getConnection(database.jdbcUrl(), superuser.user(), superuser.password());
                var statement = connection.createStatement()) {
            statement.execute("CREATE PUBLICATION sagaline_outbox FOR TABLE outbox, relay_heartbeat");
            statement.execute(
                    "SELECT pg_create_logical_replication_slot('sagaline_outbox_" + database.name() + "', 'pgoutput')");
        }
    }
}
