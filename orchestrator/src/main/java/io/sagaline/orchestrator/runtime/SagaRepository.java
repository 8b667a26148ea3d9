package io.sagaline.orchestrator.runtime;

import io.sagaline.messaging.SagaId;
import io.sagaline.orchestrator.saga.Direction;
import io.sagaline.orchestrator.saga.GroupMember;
import io.sagaline.orchestrator.saga.SagaState;
import io.sagaline.orchestrator.saga.SagaStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Saga instances in {@code saga_instance}. Every method runs in the caller's transaction. */
@Repository
class SagaRepository {

    private static final String COLUMNS = """
            id, type, definition_version, status, current_step, direction, attempt, awaited_request,
            deadline, payload::text AS payload, reason, last_error, version, start_key, start_fingerprint,
            created_at, updated_at, members::text AS members
            """;

    private static final String INSERT = """
            INSERT INTO saga_instance (id, type, definition_version, status, current_step, direction, attempt,
                awaited_request, deadline, payload, reason, last_error, version, start_key, start_fingerprint,
                created_at, updated_at, members)
            VALUES (:id, :type, :definitionVersion, :status, :step, :direction, :attempt,
                :awaitedRequest, :deadline, CAST(:payload AS jsonb), :reason, :lastError, 0, :startKey,
                :startFingerprint, :now, :now, CAST(:members AS jsonb))
            ON CONFLICT (start_key) DO NOTHING
            """;

    private static final String FIND = "SELECT " + COLUMNS + " FROM saga_instance WHERE id = :id";

    private static final String FIND_BY_START_KEY = "SELECT " + COLUMNS + " FROM saga_instance WHERE start_key = :key";

    // The version check makes concurrent writers of one saga (two orchestrator instances, a reply
    // racing the deadline scanner) safe: the loser changes nothing and applies its event again.
    private static final String UPDATE = """
            UPDATE saga_instance
            SET status = :status, current_step = :step, direction = :direction, attempt = :attempt,
                awaited_request = :awaitedRequest, deadline = :deadline, payload = CAST(:payload AS jsonb),
                reason = :reason, last_error = :lastError, members = CAST(:members AS jsonb), version = version + 1,
                updated_at = :now
            WHERE id = :id AND version = :version
            """;

    // SKIP LOCKED: several orchestrator instances scan at once, each claiming different sagas.
    private static final String CLAIM_DUE = "SELECT " + COLUMNS + """
             FROM saga_instance
            WHERE deadline <= :now AND status IN ('RUNNING', 'COMPENSATING')
              AND (awaited_request IS NULL OR deadline <= :timeoutsUpTo)
            ORDER BY deadline
            LIMIT :limit
            FOR UPDATE SKIP LOCKED
            """;

    private static final String TIMEOUT_DUE = """
            SELECT EXISTS (SELECT 1 FROM saga_instance
                           WHERE deadline > :after AND deadline <= :now AND awaited_request IS NOT NULL
                             AND status IN ('RUNNING', 'COMPENSATING'))
            """;

    private static final String POSTPONE = """
            UPDATE saga_instance SET deadline = :deadline, last_error = :error, version = version + 1, updated_at = :now
            WHERE id = :id
            """;

    private static final TypeReference<List<GroupMember>> MEMBERS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper mapper;

    SagaRepository(JdbcClient jdbc, JsonMapper mapper) {
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    /** Stores a new saga; {@code false} if a saga with its start key exists, which is left as it is. */
    boolean insert(SagaRow row) {
        return stateParams(jdbc.sql(INSERT), row.state())
                        .param("id", row.id().value())
                        .param("type", row.type())
                        .param("definitionVersion", row.definitionVersion())
                        .param("payload", row.payload())
                        .param("startKey", row.startKey())
                        .param("startFingerprint", row.startFingerprint())
                        .param("now", Timestamp.from(row.createdAt()))
                        .update()
                == 1;
    }

    Optional<SagaRow> find(SagaId id) {
        return jdbc.sql(FIND).param("id", id.value()).query(this::map).optional();
    }

    Optional<SagaRow> findByStartKey(String startKey) {
        return jdbc.sql(FIND_BY_START_KEY)
                .param("key", startKey)
                .query(this::map)
                .optional();
    }

    /** Stores the saga's new state and data if nobody wrote it since {@code read}; {@code false} otherwise. */
    boolean update(SagaRow read, SagaState state, String payload, Instant now) {
        return stateParams(jdbc.sql(UPDATE), state)
                        .param("payload", payload)
                        .param("now", Timestamp.from(now))
                        .param("id", read.id().value())
                        .param("version", read.version())
                        .update()
                == 1;
    }

    /**
     * Locks and returns up to {@code limit} active sagas whose deadline passed, longest ago first,
     * skipping those others hold; a reply timeout only if it came due by {@code timeoutsUpTo}.
     */
    List<SagaRow> claimDue(Instant now, Instant timeoutsUpTo, int limit) {
        return jdbc.sql(CLAIM_DUE)
                .param("now", Timestamp.from(now))
                .param("timeoutsUpTo", Timestamp.from(timeoutsUpTo))
                .param("limit", limit)
                .query(this::map)
                .list();
    }

    /** Whether a reply timeout came due after {@code after} and by {@code now}. */
    boolean timeoutDue(Instant after, Instant now) {
        return Boolean.TRUE.equals(jdbc.sql(TIMEOUT_DUE)
                .param("after", Timestamp.from(after))
                .param("now", Timestamp.from(now))
                .query(Boolean.class)
                .single());
    }

    /** Moves a saga's deadline to {@code deadline}, recording why; for a saga whose event keeps failing. */
    void postpone(SagaId id, Instant deadline, String error, Instant now) {
        jdbc.sql(POSTPONE)
                .param("deadline", Timestamp.from(deadline))
                .param("error", error)
                .param("now", Timestamp.from(now))
                .param("id", id.value())
                .update();
    }

    private JdbcClient.StatementSpec stateParams(JdbcClient.StatementSpec statement, SagaState state) {
        return statement
                .param("members", state.members().isEmpty() ? null : mapper.writeValueAsString(state.members()))
                .param("status", state.status().name())
                .param("step", state.step())
                .param("direction", state.direction().name())
                .param("attempt", state.attempt())
                .param("awaitedRequest", state.awaitedRequest())
                .param("deadline", timestamp(state.deadline()))
                .param("reason", state.reason())
                .param("lastError", state.lastError());
    }

    private static @Nullable Timestamp timestamp(@Nullable Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private SagaRow map(ResultSet rows, int n) throws SQLException {
        Timestamp deadline = rows.getTimestamp("deadline");
        String members = rows.getString("members");
        var state = new SagaState(
                rows.getInt("current_step"),
                Direction.valueOf(rows.getString("direction")),
                SagaStatus.valueOf(rows.getString("status")),
                rows.getInt("attempt"),
                rows.getObject("awaited_request", UUID.class),
                deadline == null ? null : deadline.toInstant(),
                rows.getString("reason"),
                rows.getString("last_error"),
                members == null ? List.of() : mapper.readValue(members, MEMBERS));
        return new SagaRow(
                SagaId.of(rows.getObject("id", UUID.class)),
                rows.getString("type"),
                rows.getInt("definition_version"),
                state,
                rows.getString("payload"),
                rows.getLong("version"),
                rows.getString("start_key"),
                rows.getString("start_fingerprint"),
                rows.getTimestamp("created_at").toInstant(),
                rows.getTimestamp("updated_at").toInstant());
    }
}
