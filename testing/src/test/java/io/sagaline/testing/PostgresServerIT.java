package io.sagaline.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;

class PostgresServerIT {

    private final PostgresServer postgres = TestInfrastructure.postgres();
    private final List<String> created = new ArrayList<>();

    @AfterEach
    void dropDatabases() {
        created.forEach(postgres::dropDatabase);
    }

    @Test
    void createsADatabaseOwnedByItsOwnRoleOnALogicalWalServer() throws SQLException {
        TestDatabase database = create("it_pg");

        try (var dataSource = postgres.dataSource(database);
                Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            assertThat(single(statement, "SHOW wal_level")).isEqualTo("logical");
            assertThat(single(statement, "SELECT current_user")).isEqualTo(database.name());
            assertThat(single(statement, "SELECT current_database()")).isEqualTo(database.name());
            assertThat(single(
                            statement,
                            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"))
                    .isEqualTo(database.name());
            statement.execute("CREATE TABLE outbox (id uuid PRIMARY KEY, payload text)");
        }
    }

    @Test
    void letsTheRelayReplicateTheNewDatabase() throws SQLException {
        TestDatabase database = create("it_relay");
        try (Connection owner = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
                Statement statement = owner.createStatement()) {
            statement.execute("CREATE TABLE outbox (id uuid PRIMARY KEY, payload text)");
        }

        Credentials relay = postgres.relayCredentials();
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), relay.user(), relay.password());
                Statement statement = connection.createStatement()) {
            assertThat(single(statement, "SELECT rolreplication FROM pg_roles WHERE rolname = current_user"))
                    .isEqualTo("t");
            // What Debezium does with publication.autocreate.mode=filtered and a slot of its own.
            statement.execute("CREATE PUBLICATION relay_it FOR TABLE outbox");
            statement.execute("SELECT pg_create_logical_replication_slot('relay_it_slot', 'pgoutput')");
        }
        try (Connection replication = replicationConnection(database, relay);
                Statement statement = replication.createStatement()) {
            statement.execute("IDENTIFY_SYSTEM");
            try (var row = statement.getResultSet()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString("dbname")).isEqualTo(database.name());
            }
        }
    }

    @Test
    void dropsADatabaseWhileARelayStreamsFromItsSlot() throws SQLException {
        TestDatabase database = create("it_drop");
        try (Connection owner = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
                Statement statement = owner.createStatement()) {
            statement.execute("CREATE TABLE outbox (id uuid PRIMARY KEY, payload text)");
            statement.execute("CREATE PUBLICATION relay_it FOR TABLE outbox");
        }
        Connection replication = replicationConnection(database, postgres.relayCredentials());
        try {
            PGConnection pg = replication.unwrap(PGConnection.class);
            pg.getReplicationAPI()
                    .createReplicationSlot()
                    .logical()
                    .withSlotName("relay_it_slot")
                    .withOutputPlugin("pgoutput")
                    .make();
            pg.getReplicationAPI()
                    .replicationStream()
                    .logical()
                    .withSlotName("relay_it_slot")
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", "relay_it")
                    .start();
            assertThat(slotIsActive(database.name())).isTrue();

            postgres.dropDatabase(database.name());
            created.remove(database.name());
        } finally {
            closeQuietly(replication);
        }

        try (Connection superuser = superuserConnection();
                Statement statement = superuser.createStatement()) {
            assertThat(count(statement, "SELECT count(*) FROM pg_database WHERE datname = '" + database.name() + "'"))
                    .isZero();
            assertThat(count(statement, "SELECT count(*) FROM pg_roles WHERE rolname = '" + database.name() + "'"))
                    .isZero();
            assertThat(count(statement, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'relay_it_slot'"))
                    .isZero();
        }
    }

    @Test
    void refusesToCreateADatabaseThatExists() {
        TestDatabase database = create("it_twice");

        assertThatThrownBy(() -> postgres.createDatabase(database.name()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(database.name());
    }

    @Test
    void refusesNamesThatAreNotPlainIdentifiers() {
        assertThatThrownBy(() -> postgres.createDatabase("Robert'); DROP TABLE students;--"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> postgres.createDatabase("postgres")).isInstanceOf(IllegalArgumentException.class);
    }

    private TestDatabase create(String prefix) {
        TestDatabase database = postgres.createDatabase(PostgresServer.uniqueName(prefix));
        created.add(database.name());
        return database;
    }

    private boolean slotIsActive(String database) throws SQLException {
        try (Connection superuser = superuserConnection();
                Statement statement = superuser.createStatement()) {
            return "t"
                    .equals(single(
                            statement, "SELECT active FROM pg_replication_slots WHERE database = '" + database + "'"));
        }
    }

    private Connection superuserConnection() throws SQLException {
        Credentials superuser = postgres.superuser();
        return DriverManager.getConnection(postgres.jdbcUrl("postgres"), superuser.user(), superuser.password());
    }

    private static Connection replicationConnection(TestDatabase database, Credentials relay) throws SQLException {
        var properties = new Properties();
        PGProperty.USER.set(properties, relay.user());
        PGProperty.PASSWORD.set(properties, relay.password());
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        return DriverManager.getConnection(database.jdbcUrl(), properties);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException sessionAlreadyEnded) {
            // dropDatabase ended it on the server's side, as intended.
        }
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (var rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from %s", sql).isTrue();
            return rows.getString(1);
        }
    }

    private static long count(Statement statement, String sql) throws SQLException {
        return Long.parseLong(single(statement, sql));
    }
}
