package io.sagaline.relay.internal;

import io.sagaline.relay.RelayProperties;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/** Reads how much WAL a database's replication slot still holds for the relay. */
final class SlotLag {

    private static final String QUERY = """
            SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS lag_bytes
            FROM pg_replication_slots WHERE slot_name = ?
            """;

    /** The slot's state, or null if the slot does not exist yet. */
    record Reading(boolean active, long lagBytes) {}

    private SlotLag() {}

    static @Nullable Reading read(RelayProperties relay, String database) throws SQLException {
        try (var connection = DriverManager.getConnection(
                        OutboxConnectorConfig.jdbcUrl(relay, database), relay.user(), relay.password());
                var statement = connection.prepareStatement(QUERY)) {
            statement.setQueryTimeout(5);
            statement.setString(1, OutboxConnectorConfig.slotName(database));
            try (var rows = statement.executeQuery()) {
                return rows.next() ? new Reading(rows.getBoolean("active"), rows.getLong("lag_bytes")) : null;
            }
        }
    }
}
