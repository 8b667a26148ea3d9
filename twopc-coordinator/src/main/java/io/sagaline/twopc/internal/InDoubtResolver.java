package io.sagaline.twopc.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends this coordinator's prepared branches by what the decision log says: COMMIT PREPARED when the
 * global transaction has a COMMIT decision, ROLLBACK PREPARED when it has none (presumed abort).
 * Recovery runs it once at startup; while the process runs it picks up branches the process left
 * prepared, such as a COMMIT PREPARED that failed. Thread-safe.
 */
final class InDoubtResolver {

    private static final Logger log = LoggerFactory.getLogger(InDoubtResolver.class);
    /** PostgreSQL's undefined_object: the gid was ended meanwhile. */
    private static final String GONE = "42704";

    private final PreparedTransactions prepared;
    private final DecisionLog decisions;

    InDoubtResolver(PreparedTransactions prepared, DecisionLog decisions) {
        this.prepared = prepared;
        this.decisions = decisions;
    }

    /**
     * @param found prepared branch transactions found
     * @param failed those whose COMMIT or ROLLBACK PREPARED failed; they stay prepared (the rest of
     *     {@code found} were ended by their own global transaction meanwhile)
     */
    record Resolution(int found, int committed, int rolledBack, int failed) {

        static final Resolution NONE = new Resolution(0, 0, 0, 0);
    }

    /**
     * Resolves every prepared branch of this coordinator, except those of global transactions that
     * {@code busy} names (the ones this process is still running), read after the gids are listed.
     */
    Resolution resolve(Predicate<String> busy) {
        Map<Branch, List<String>> gids = new EnumMap<>(Branch.class);
        Set<String> globalIds = new HashSet<>();
        for (Branch branch : Branch.values()) {
            List<String> own = new ArrayList<>();
            for (String gid : prepared.own(branch)) {
                Optional<String> globalId = GlobalId.globalIdOf(gid);
                if (globalId.isPresent() && !busy.test(globalId.get())) {
                    own.add(gid);
                    globalIds.add(globalId.get());
                }
            }
            gids.put(branch, own);
        }
        if (globalIds.isEmpty()) {
            return Resolution.NONE;
        }
        Set<String> decided = decisions.decided(globalIds);
        Set<String> unfinished = new HashSet<>();
        int found = 0;
        int committed = 0;
        int rolledBack = 0;
        int failed = 0;
        for (var branch : gids.entrySet()) {
            for (String gid : branch.getValue()) {
                String globalId = GlobalId.globalIdOf(gid).orElseThrow();
                boolean commit = decided.contains(globalId);
                found++;
                try {
                    if (commit) {
                        prepared.commit(branch.getKey(), gid);
                        committed++;
                    } else {
                        prepared.rollback(branch.getKey(), gid);
                        rolledBack++;
                    }
                } catch (SQLException e) {
                    if (!GONE.equals(e.getSQLState())) {
                        log.warn("{} of {} failed: {}", commit ? "COMMIT" : "ROLLBACK", gid, e.getMessage());
                        unfinished.add(globalId);
                        failed++;
                    }
                }
            }
        }
        decided.stream().filter(id -> !unfinished.contains(id)).forEach(decisions::completed);
        return new Resolution(found, committed, rolledBack, failed);
    }
}
