package io.sagaline.relay.internal;

import io.sagaline.relay.RelayProperties;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/** Asks a relayed database about the relay's prerequisites and its replication slot. */
final class SourceDatabase {

    private static final String QUERY = """
            SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS lag_bytes
            FROM pg_replication_slots WHERE slot_name = ?
            """;

    /** A replication slot's state. */
    record Reading(boolean active, long lagBytes) {}

    private static final String MISSING_TABLES = """
            SELECT t FROM unnest(?::text[]) AS t WHERE to_regclass(t) IS NULL ORDER BY t
            """;

    private SourceDatabase() {}

    /**
     * The outbox and heartbeat tables the engine reads that do not exist yet: each service creates
     * its own with its messaging migration. Empty once every one of them exists.
     */
    static List<String> missingTables(RelayProperties relay, String database) throws SQLException {
        List<String> tables = OutboxConnectorConfig.capturedTables(relay.schemas());
        try (var connection = connect(relay, database);
                var statement = connection.prepareStatement(MISSING_TABLES)) {
            statement.setArray(1, connection.createArrayOf("text", tables.toArray()));
            List<String> missing = new ArrayList<>();
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    missing.add(rows.getString(1));
                }
            }
            return missing;
        }
    }

    /** The relay's replication slot in {@code database}, or null before the engine created it. */
    static @Nullable Reading slot(RelayProperties relay, String database) throws SQLException {
        try (var connection = connect(relay, database);
                var statement = connection.prepareStatement(QUERY)) {
            statement.setQueryTimeout(5);
            statement.setString(1, OutboxConnectorConfig.slotName(database));
            try (var rows = statement.executeQuery()) {
                return rows.next() ? new Reading(rows.getBoolean("active"), rows.getLong("lag_bytes")) : null;
            }
        }
    }

    private static Connection connect(RelayProperties relay, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", relay.user());
        props.setProperty("password", relay.password());
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "10");
        return DriverManager.getConnection(OutboxConnectorConfig.jdbcUrl(relay, database), props);
    }
}
