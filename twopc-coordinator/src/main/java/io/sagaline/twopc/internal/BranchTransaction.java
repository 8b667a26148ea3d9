package io.sagaline.twopc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One branch of a global transaction: a pooled connection in a local transaction, then prepared
 * under a gid, then committed or rolled back by that gid. Not thread-safe.
 *
 * <p>{@code PREPARE TRANSACTION} dissociates the transaction from the session, which is left with
 * no transaction at all. The connection is therefore switched to autocommit right after it: {@code
 * COMMIT PREPARED} and {@code ROLLBACK PREPARED} cannot run inside a transaction block, and in
 * manual-commit mode the driver would open one before them.
 */
final class BranchTransaction implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BranchTransaction.class);

    enum State {
        ACTIVE,
        PREPARED,
        ENDED
    }

    private final Branch branch;
    private final Connection connection;
    private final JdbcClient jdbc;
    private State state = State.ACTIVE;
    private String gid = "";

    private BranchTransaction(Branch branch, Connection connection) {
        this.branch = branch;
        this.connection = connection;
        this.jdbc = Pools.on(connection);
    }

    /** Takes a connection of {@code pool} and starts a local transaction on it. */
    static BranchTransaction begin(Branch branch, DataSource pool) throws SQLException {
        Connection connection = pool.getConnection();
        try {
            connection.setAutoCommit(false);
            return new BranchTransaction(branch, connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    Branch branch() {
        return branch;
    }

    State state() {
        return state;
    }

    /** The branch's statements, in its local transaction until it is prepared. */
    JdbcClient jdbc() {
        return jdbc;
    }

    /**
     * Phase one. When this throws the server has rolled the transaction back (it stays {@link
     * State#ACTIVE} for {@link #rollback()} to end the session's failed block), unless the failure
     * came after the prepare took effect; then the gid is prepared and recovery resolves it.
     */
    void prepare(String gid) throws SQLException {
        if (state != State.ACTIVE) {
            throw new IllegalStateException(branch + " branch is " + state + ", not ACTIVE");
        }
        execute("PREPARE TRANSACTION " + literal(gid));
        this.gid = gid;
        state = State.PREPARED;
        connection.setAutoCommit(true);
    }

    /** Phase two of a COMMIT decision. */
    void commitPrepared() throws SQLException {
        requirePrepared();
        execute("COMMIT PREPARED " + literal(gid));
        state = State.ENDED;
    }

    /** Phase two without a decision: presumed abort. */
    void rollbackPrepared() throws SQLException {
        requirePrepared();
        execute("ROLLBACK PREPARED " + literal(gid));
        state = State.ENDED;
    }

    /** Rolls back the local transaction of a branch not prepared; nothing to do otherwise. */
    void rollback() {
        if (state != State.ACTIVE) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The connection is broken; the server ends its transaction with the session.
            log.warn("Rollback of the {} branch failed: {}", branch.key(), e.getMessage());
        }
        state = State.ENDED;
    }

    /**
     * Returns the connection to its pool. A branch still prepared stays prepared: it is not tied to
     * the session any more, and only a decision (or recovery) ends it.
     */
    @Override
    public void close() {
        rollback();
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("Closing the {} branch's connection failed: {}", branch.key(), e.getMessage());
        }
    }

    /** A gid as a SQL string literal; these statements take no parameters. */
    static String literal(String gid) {
        return "'" + gid.replace("'", "''") + "'";
    }

    private void requirePrepared() {
        if (state != State.PREPARED) {
            throw new IllegalStateException(branch + " branch is " + state + ", not PREPARED");
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
