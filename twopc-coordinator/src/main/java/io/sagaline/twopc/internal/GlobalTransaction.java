package io.sagaline.twopc.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The four branch transactions of one global transaction, and the two phases over them. The
 * decision between the phases is the caller's ({@link Coordinator}). Not thread-safe.
 */
final class GlobalTransaction implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GlobalTransaction.class);

    private final GlobalId id;
    private final Map<Branch, BranchTransaction> branches = new EnumMap<>(Branch.class);

    private GlobalTransaction(GlobalId id) {
        this.id = id;
    }

    /**
     * Opens a local transaction on every branch, in {@link Branch} order: the pools are always
     * entered in the same order, so transactions waiting for connections never wait on each other.
     */
    static GlobalTransaction begin(GlobalId id, Pools pools) throws SQLException {
        var transaction = new GlobalTransaction(id);
        try {
            for (Branch branch : Branch.values()) {
                transaction.branches.put(branch, BranchTransaction.begin(branch, pools.branch(branch)));
            }
            return transaction;
        } catch (SQLException | RuntimeException e) {
            transaction.close();
            throw e;
        }
    }

    GlobalId id() {
        return id;
    }

    JdbcClient jdbc(Branch branch) {
        return branches.get(branch).jdbc();
    }

    /**
     * Phase one: prepares every branch in order and stops at the first failure, after rolling back
     * what it prepared and what it had not reached. A branch whose rollback fails stays prepared
     * without a decision, which recovery rolls back.
     *
     * @return empty when every branch is prepared, else why not
     */
    Optional<String> prepare() {
        for (BranchTransaction branch : branches.values()) {
            try {
                branch.prepare(id.gid(branch.branch()));
            } catch (SQLException e) {
                log.warn("Prepare of {} failed: {}", id.gid(branch.branch()), e.getMessage());
                abort();
                return Optional.of("prepare of the " + branch.branch().key() + " branch failed: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Phase two after the COMMIT decision is logged.
     *
     * @return the branches whose COMMIT PREPARED failed; they stay prepared for the resolver
     */
    List<Branch> commitPrepared() {
        List<Branch> failed = new ArrayList<>();
        for (BranchTransaction branch : branches.values()) {
            try {
                branch.commitPrepared();
            } catch (SQLException e) {
                log.warn(
                        "COMMIT PREPARED of {} failed, left to the resolver: {}",
                        id.gid(branch.branch()),
                        e.getMessage());
                failed.add(branch.branch());
            }
        }
        return failed;
    }

    /** Ends every branch without a decision: prepared ones with ROLLBACK PREPARED, others plainly. */
    void abort() {
        for (BranchTransaction branch : branches.values()) {
            if (branch.state() == BranchTransaction.State.PREPARED) {
                try {
                    branch.rollbackPrepared();
                } catch (SQLException e) {
                    log.warn(
                            "ROLLBACK PREPARED of {} failed, left to the resolver: {}",
                            id.gid(branch.branch()),
                            e.getMessage());
                }
            } else {
                branch.rollback();
            }
        }
    }

    /** Rolls back branches still active and returns every connection to its pool. */
    @Override
    public void close() {
        branches.values().forEach(BranchTransaction::close);
    }
}
