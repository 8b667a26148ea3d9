package io.sagaline.twopc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What {@code pg_prepared_xacts} and {@code pg_locks} say about the branch databases, and the
 * statements that end a prepared transaction by gid from any session. Thread-safe.
 */
final class PreparedTransactions {

    private static final String OWN = """
            SELECT gid FROM pg_prepared_xacts
            WHERE database = current_database() AND starts_with(gid, :prefix)
            ORDER BY prepared, gid
            """;
    // A prepared transaction's locks have no pid; they are found through its transaction id lock,
    // whose virtual transaction id they share. pg_locks spans the server, so restrict to this database.
    private static final String STATISTICS = """
            WITH prepared AS (
                SELECT transaction, gid FROM pg_prepared_xacts WHERE database = current_database()
            ), holder AS (
                SELECT l.virtualtransaction FROM pg_locks l JOIN prepared p ON l.transactionid = p.transaction
                WHERE l.locktype = 'transactionid' AND l.pid IS NULL
            )
            SELECT (SELECT count(*) FROM prepared) AS prepared,
                   (SELECT count(*) FROM prepared WHERE starts_with(gid, :prefix)) AS own,
                   (SELECT count(*) FROM pg_locks l WHERE l.pid IS NULL
                        AND l.virtualtransaction IN (SELECT virtualtransaction FROM holder)) AS locks
            """;

    private final Pools pools;
    private final String prefix;

    PreparedTransactions(Pools pools, String coordinatorId) {
        this.pools = pools;
        this.prefix = GlobalId.prefixOf(coordinatorId);
    }

    /** The gids this coordinator has prepared in the branch's database, oldest first. */
    List<String> own(Branch branch) {
        return JdbcClient.create(pools.branch(branch))
                .sql(OWN)
                .param("prefix", prefix)
                .query(String.class)
                .list();
    }

    /** Everyone's prepared transactions in the branch's database, this coordinator's, and their locks. */
    BranchStatistics statistics(Branch branch) {
        return JdbcClient.create(pools.branch(branch))
                .sql(STATISTICS)
                .param("prefix", prefix)
                .query((rows, n) ->
                        new BranchStatistics(rows.getLong("prepared"), rows.getLong("own"), rows.getLong("locks")))
                .single();
    }

    void commit(Branch branch, String gid) throws SQLException {
        execute(branch, "COMMIT PREPARED " + BranchTransaction.literal(gid));
    }

    void rollback(Branch branch, String gid) throws SQLException {
        execute(branch, "ROLLBACK PREPARED " + BranchTransaction.literal(gid));
    }

    private void execute(Branch branch, String sql) throws SQLException {
        // The pools hand out connections in autocommit, as these statements need.
        try (Connection connection = pools.branch(branch).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * @param prepared prepared transactions in the database, of every coordinator
     * @param own those of this coordinator
     * @param locks the {@code pg_locks} rows the prepared transactions hold
     */
    record BranchStatistics(long prepared, long own, long locks) {}
}
