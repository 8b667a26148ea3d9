package io.sagaline.twopc.internal;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The coordinator's durable log of COMMIT decisions, in the log database. Presumed abort: a global
 * transaction without a row here is rolled back, so aborts are never written. Thread-safe.
 */
final class DecisionLog {

    private static final String INSERT = """
            INSERT INTO decision (global_id, coordinator_id, outcome, decided_at)
            VALUES (:globalId, :coordinatorId, 'COMMIT', :now)
            """;
    private static final String EXISTS = "SELECT EXISTS (SELECT 1 FROM decision WHERE global_id = :globalId)";
    private static final String DECIDED = "SELECT global_id FROM decision WHERE global_id IN (:globalIds)";
    private static final String COMPLETE = """
            UPDATE decision SET completed_at = :now WHERE global_id IN (:globalIds) AND completed_at IS NULL
            """;
    private static final String COMPLETE_ALL = """
            UPDATE decision SET completed_at = :now WHERE coordinator_id = :coordinatorId AND completed_at IS NULL
            """;
    private static final int BATCH = 1_000;

    // Autocommit: every statement is a committed transaction of its own when it returns.
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Queue<String> completed = new ConcurrentLinkedQueue<>();

    DecisionLog(Pools pools, Clock clock) {
        this.jdbc = JdbcClient.create(pools.decisionLog());
        this.clock = clock;
    }

    /** Logs the COMMIT decision; durable once this returns. */
    void logCommit(GlobalId id) {
        jdbc.sql(INSERT)
                .param("globalId", id.value())
                .param("coordinatorId", id.coordinatorId())
                .param("now", Timestamp.from(clock.instant()))
                .update();
    }

    /** Whether the decision is logged, for when {@link #logCommit} failed without saying whether it did. */
    boolean isLogged(GlobalId id) {
        return jdbc.sql(EXISTS)
                .param("globalId", id.value())
                .query(Boolean.class)
                .single();
    }

    /** Those of {@code globalIds} that have a COMMIT decision. */
    Set<String> decided(Collection<String> globalIds) {
        Set<String> decided = new HashSet<>();
        List<String> all = List.copyOf(globalIds);
        for (int from = 0; from < all.size(); from += BATCH) {
            decided.addAll(jdbc.sql(DECIDED)
                    .param("globalIds", all.subList(from, Math.min(all.size(), from + BATCH)))
                    .query(String.class)
                    .list());
        }
        return decided;
    }

    /** Notes that every branch committed; written with the next {@link #flushCompleted()}. */
    void completed(String globalId) {
        completed.add(globalId);
    }

    /** Marks the decisions noted by {@link #completed} completed, in batches. */
    void flushCompleted() {
        List<String> batch = new ArrayList<>();
        for (String id = completed.poll(); id != null; id = completed.poll()) {
            batch.add(id);
            if (batch.size() == BATCH) {
                complete(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            complete(batch);
        }
    }

    /** Marks every open decision of the coordinator completed; for recovery, when nothing is in flight. */
    int completeAll(String coordinatorId) {
        return jdbc.sql(COMPLETE_ALL)
                .param("coordinatorId", coordinatorId)
                .param("now", Timestamp.from(clock.instant()))
                .update();
    }

    private void complete(List<String> globalIds) {
        jdbc.sql(COMPLETE)
                .param("globalIds", globalIds)
                .param("now", Timestamp.from(clock.instant()))
                .update();
    }
}
