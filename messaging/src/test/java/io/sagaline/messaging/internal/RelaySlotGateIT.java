package io.sagaline.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.MessagingProperties.OutboxSettings;
import io.sagaline.messaging.RelayNames;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import java.sql.Connection;
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

    @Test
    void holdsTheStartWhileTheSlotIsListedButNotYetConsistent() throws Exception {
        var gate = new RelaySlotGate(JdbcClient.create(dataSource), settings(Duration.ofMinutes(1)));
        try (var open = superuserConnection()) {
            createPublication();
            open.setAutoCommit(false);
            open.createStatement().execute("SELECT txid_current()");
            CompletableFuture<Void> creating = CompletableFuture.runAsync(this::createSlot);
            awaitSlotListedWithoutConsistentPoint();

            assertThat(gate.ready()).isFalse();

            open.commit();
            creating.join();
        }
        assertThat(gate.ready()).isTrue();
    }

    /**
     * Why the gate waits for the consistent point: a commit while the slot is listed but still
     * being created is never decoded. A service let in at that moment would lose the message.
     */
    @Test
    void neverDecodesACommitMadeWhileTheSlotWasStillBeingCreated() throws Exception {
        createPublication();
        try (var open = superuserConnection();
                var service = superuserConnection()) {
            open.setAutoCommit(false);
            open.createStatement().execute("SELECT txid_current()");
            CompletableFuture<Void> creating = CompletableFuture.runAsync(this::createSlot);
            awaitSlotListedWithoutConsistentPoint();

            insertOutboxRow(service, "written-while-the-slot-was-created");
            open.commit();
            creating.join();
            insertOutboxRow(service, "written-after-the-consistent-point");

            assertThat(decodedInserts(service)).isOne();
        }
    }

    private static OutboxSettings settings(Duration timeout) {
        return new OutboxSettings(true, timeout, RelayNames.SLOT_PREFIX, RelayNames.PUBLICATION);
    }

    /** What the relay's engine does on its first start. */
    private void createPublicationAndSlot() throws SQLException {
        createPublication();
        createSlot();
    }

    private void createPublication() throws SQLException {
        try (var connection = superuserConnection()) {
            connection
                    .createStatement()
                    .execute("CREATE PUBLICATION sagaline_outbox FOR TABLE outbox, relay_heartbeat");
        }
    }

    /** Returns once the slot is consistent: creating it waits for the transactions open when it began. */
    private void createSlot() {
        try (var connection = superuserConnection()) {
            connection
                    .createStatement()
                    .execute("SELECT pg_create_logical_replication_slot('" + slotName() + "', 'pgoutput')");
        } catch (SQLException e) {
            throw new IllegalStateException("creating the slot failed", e);
        }
    }

    private void awaitSlotListedWithoutConsistentPoint() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> JdbcClient.create(dataSource)
                                .sql("SELECT count(*) FROM pg_replication_slots"
                                        + " WHERE slot_name = :slot AND confirmed_flush_lsn IS NULL")
                                .param("slot", slotName())
                                .query(Long.class)
                                .single()
                        == 1);
    }

    private static void insertOutboxRow(Connection connection, String type) throws SQLException {
        try (var insert =
                connection.prepareStatement("INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)"
                        + " VALUES (gen_random_uuid(), 'gate.test', 'key', ?, '{}')")) {
            insert.setString(1, type);
            insert.executeUpdate();
        }
    }

    /** Inserts the slot would stream: pgoutput's insert messages start with 'I'. */
    private long decodedInserts(Connection connection) throws SQLException {
        try (var peek = connection.prepareStatement("SELECT count(*) FROM pg_logical_slot_peek_binary_changes("
                + "?, NULL, NULL, 'proto_version', '1', 'publication_names', 'sagaline_outbox')"
                + " WHERE get_byte(data, 0) = ascii('I')")) {
            peek.setString(1, slotName());
            try (var rows = peek.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private String slotName() {
        return RelayNames.slotOf(database.name());
    }

    private Connection superuserConnection() throws SQLException {
        var superuser = postgres.superuser();
        return DriverManager.getConnection(database.jdbcUrl(), superuser.user(), superuser.password());
    }
}
