package io.sagaline.testing.internal;

import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sagaline.testing.Credentials;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.TestDatabase;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/** Any PostgreSQL server reached over TCP with superuser rights; the same in every mode. */
final class JdbcPostgresServer implements PostgresServer {

    static final String RELAY_ROLE = "sagaline_relay";

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Set<String> RESERVED =
            Set.of("postgres", "template0", "template1", RELAY_ROLE, "public", "current_user", "session_user");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration SLOT_DROP_TIMEOUT = Duration.ofSeconds(30);

    private static final String RELAY_EXISTS = "SELECT 1 FROM pg_roles WHERE rolname = '" + RELAY_ROLE + "'";

    // Two tests may create the first database at once: the loser of the race ignores the error.
    private static final String CREATE_RELAY = """
            DO $$
            BEGIN
              CREATE ROLE %s LOGIN REPLICATION PASSWORD %s;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END
            $$""";

    private static final String TERMINATE_SESSIONS = """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = ? AND pid <> pg_backend_pid()
            """;

    private static final String TERMINATE_SLOT_USERS = """
            SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots
            WHERE database::text = ? AND active_pid IS NOT NULL
            """;

    private static final String SLOTS = "SELECT slot_name FROM pg_replication_slots WHERE database::text = ?";

    private static final String DROP_SLOT = "SELECT pg_drop_replication_slot(?)";

    // The owners of a shared database's schemas are named after it: database_schema.
    private static final String SCHEMA_OWNERS = """
            SELECT rolname FROM pg_roles WHERE starts_with(rolname, ? || '_')
            """;

    private final String host;
    private final int port;
    private final Credentials superuser;
    private final Credentials relay;

    JdbcPostgresServer(String host, int port, Credentials superuser, String relayPassword) {
        this.host = host;
        this.port = port;
        this.superuser = superuser;
        this.relay = new Credentials(RELAY_ROLE, relayPassword);
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Credentials superuser() {
        return superuser;
    }

    @Override
    public Credentials relayCredentials() {
        return relay;
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public TestDatabase createDatabase(String name) {
        String id = identifier(name);
        String password = HexFormat.of().formatHex(randomBytes());
        try (Connection connection = connectAsSuperuser();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + id + " LOGIN PASSWORD '" + password + "'");
            statement.execute("CREATE DATABASE " + id + " OWNER " + id);
            ensureRelayRole(statement);
            statement.execute("GRANT " + id + " TO " + RELAY_ROLE);
            statement.execute("GRANT CREATE, CONNECT ON DATABASE " + id + " TO " + RELAY_ROLE);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + " on " + host + ":" + port, e);
        }
        return new TestDatabase(name, jdbcUrl(name), name, password, "public");
    }

    @Override
    public List<TestDatabase> createDatabase(String name, List<String> schemas) {
        String id = identifier(name);
        List<TestDatabase> created = new ArrayList<>();
        try (Connection connection = connectAsSuperuser();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + id);
            ensureRelayRole(statement);
            statement.execute("GRANT CREATE, CONNECT ON DATABASE " + id + " TO " + RELAY_ROLE);
            for (String schema : schemas) {
                schemaIdentifier(schema);
                String owner = name + "_" + schema;
                String ownerId = identifier(owner);
                String password = HexFormat.of().formatHex(randomBytes());
                statement.execute("CREATE ROLE " + ownerId + " LOGIN PASSWORD '" + password + "'");
                statement.execute("GRANT CONNECT ON DATABASE " + id + " TO " + ownerId);
                statement.execute("GRANT " + ownerId + " TO " + RELAY_ROLE);
                created.add(
                        new TestDatabase(name, jdbcUrl(name) + "?currentSchema=" + schema, owner, password, schema));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + " on " + host + ":" + port, e);
        }
        try (Connection connection = connectAsSuperuser(name);
                Statement statement = connection.createStatement()) {
            for (TestDatabase schema : created) {
                statement.execute("CREATE SCHEMA " + schemaIdentifier(schema.schema()) + " AUTHORIZATION "
                        + identifier(schema.user()));
            }
            statement.execute("CREATE SCHEMA " + RELAY_ROLE + " AUTHORIZATION " + RELAY_ROLE);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the schemas of " + name + " on " + host + ":" + port, e);
        }
        return List.copyOf(created);
    }

    @Override
    public void dropDatabase(String name) {
        String id = identifier(name);
        try (Connection connection = connectAsSuperuser();
                Statement statement = connection.createStatement()) {
            terminateSessions(connection, name);
            dropReplicationSlots(connection, name);
            statement.execute("DROP DATABASE IF EXISTS " + id + " WITH (FORCE)");
            statement.execute("DROP ROLE IF EXISTS " + id);
            for (String owner : schemaOwnersOf(connection, name)) {
                statement.execute("DROP ROLE IF EXISTS " + identifier(owner));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop database " + name + " on " + host + ":" + port, e);
        }
    }

    @Override
    public HikariDataSource dataSource(TestDatabase database) {
        var config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(database.user());
        config.setPassword(database.password());
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        config.setPoolName("test-" + database.name());
        return new HikariDataSource(config);
    }

    Connection connectAsSuperuser() throws SQLException {
        return connectAsSuperuser("postgres");
    }

    private Connection connectAsSuperuser(String database) throws SQLException {
        var properties = new Properties();
        properties.setProperty("user", superuser.user());
        properties.setProperty("password", superuser.password());
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("loginTimeout", "10");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    private void ensureRelayRole(Statement statement) throws SQLException {
        try (var exists = statement.executeQuery(RELAY_EXISTS)) {
            if (exists.next()) {
                return;
            }
        }
        statement.execute(CREATE_RELAY.formatted(RELAY_ROLE, literal(relay.password())));
    }

    private static void terminateSessions(Connection connection, String database) throws SQLException {
        try (PreparedStatement terminate = connection.prepareStatement(TERMINATE_SESSIONS)) {
            terminate.setString(1, database);
            terminate.executeQuery().close();
        }
    }

    /*
     * A slot cannot be dropped while a walsender streams from it, and a terminated walsender takes a
     * moment to let go; a relay in the test may also reconnect. So: end its users, try to drop, and
     * repeat until no slot of the database is left.
     */
    private static void dropReplicationSlots(Connection connection, String database) throws SQLException {
        if (slotsOf(connection, database).isEmpty()) {
            return;
        }
        try {
            await("replication slots of " + database + " dropped")
                    .atMost(SLOT_DROP_TIMEOUT)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> tryDropSlots(connection, database));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("replication slots " + slotsOf(connection, database) + " of database "
                    + database + " are still in use after " + SLOT_DROP_TIMEOUT.toSeconds() + " s");
        }
    }

    private static boolean tryDropSlots(Connection connection, String database) throws SQLException {
        try (PreparedStatement terminate = connection.prepareStatement(TERMINATE_SLOT_USERS)) {
            terminate.setString(1, database);
            terminate.executeQuery().close();
        }
        List<String> slots = slotsOf(connection, database);
        for (String slot : slots) {
            try (PreparedStatement drop = connection.prepareStatement(DROP_SLOT)) {
                drop.setString(1, slot);
                drop.executeQuery().close();
            } catch (SQLException stillActive) {
                return false;
            }
        }
        return true;
    }

    private static List<String> slotsOf(Connection connection, String database) throws SQLException {
        return names(connection, SLOTS, database);
    }

    private static List<String> schemaOwnersOf(Connection connection, String database) throws SQLException {
        return names(connection, SCHEMA_OWNERS, database);
    }

    /** The first column of every row {@code query} returns for {@code database}. */
    private static List<String> names(Connection connection, String query, String database) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, database);
            try (var rows = statement.executeQuery()) {
                var names = new ArrayList<String>();
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
                return names;
            }
        }
    }

    /** A schema's name as a quoted identifier, after checking it is one a test may create. */
    private static String schemaIdentifier(String schema) {
        if (!IDENTIFIER.matcher(schema).matches()
                || schema.equals("public")
                || schema.equals(RELAY_ROLE)
                || schema.startsWith("pg_")) {
            throw new IllegalArgumentException(
                    "schema name must be a lower-case SQL identifier other than public, got '" + schema + "'");
        }
        return '"' + schema + '"';
    }

    /** The name as a quoted identifier, after checking it is one a test may create and drop. */
    private static String identifier(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("database name must be a lower-case SQL identifier "
                    + "(letters, digits, _; at most 63 characters), got '" + name + "'");
        }
        if (RESERVED.contains(name) || name.startsWith("pg_")) {
            throw new IllegalArgumentException("database name '" + name + "' is reserved");
        }
        return '"' + name + '"';
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
