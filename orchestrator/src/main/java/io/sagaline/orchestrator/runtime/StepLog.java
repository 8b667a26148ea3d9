package io.sagaline.orchestrator.runtime;

import io.sagaline.messaging.SagaId;
import io.sagaline.orchestrator.saga.Direction;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The append-only {@code saga_step_log}: what happened to each saga, in order. */
@Repository
class StepLog {

    /** What a line records. */
    enum Entry {
        STARTED,
        COMMAND_SENT,
        LOCAL_STEP,
        PIVOT_PASSED,
        REPLY,
        IGNORED,
        DUPLICATE_DELIVERY,
        TIMEOUT,
        RETRY_DUE,
        RETRY_SCHEDULED,
        MEMBER_SETTLED,
        COMPENSATION_PENDING,
        COMPENSATION_STARTED,
        COMPLETED,
        COMPENSATED,
        COMPENSATION_FAILED,
        COMPLETION_FAILED,
        RESOLVED,
        OPERATOR_RETRY,
        OPERATOR_ABORT,
        OPERATOR_RESOLVE,
        OPERATOR_REJECTED,
        EVENT_FAILED
    }

    /** One line; every field but the saga, time and entry may be absent. */
    record Line(
            SagaId sagaId,
            Instant at,
            Entry entry,
            @Nullable Integer step,
            @Nullable String stepName,
            @Nullable Direction direction,
            @Nullable Integer attempt,
            @Nullable String messageType,
            @Nullable UUID messageId,
            @Nullable UUID inReplyTo,
            @Nullable String actor,
            @Nullable String detail) {

        static Line of(SagaId sagaId, Instant at, Entry entry, @Nullable String detail) {
            return new Line(sagaId, at, entry, null, null, null, null, null, null, null, null, detail);
        }

        Line atStep(int index, String name, Direction towards, @Nullable Integer attemptNumber) {
            return new Line(
                    sagaId,
                    at,
                    entry,
                    index,
                    name,
                    towards,
                    attemptNumber,
                    messageType,
                    messageId,
                    inReplyTo,
                    actor,
                    detail);
        }

        Line message(String type, UUID id, @Nullable UUID answering) {
            return new Line(sagaId, at, entry, step, stepName, direction, attempt, type, id, answering, actor, detail);
        }

        /** The same line as another entry, with {@code text} as its detail. */
        Line as(Entry other, @Nullable String text) {
            return new Line(
                    sagaId,
                    at,
                    other,
                    step,
                    stepName,
                    direction,
                    attempt,
                    messageType,
                    messageId,
                    inReplyTo,
                    actor,
                    text);
        }

        Line by(String who) {
            return new Line(
                    sagaId,
                    at,
                    entry,
                    step,
                    stepName,
                    direction,
                    attempt,
                    messageType,
                    messageId,
                    inReplyTo,
                    who,
                    detail);
        }
    }

    private static final String INSERT = """
            INSERT INTO saga_step_log (saga_id, at, entry, step, step_name, direction, attempt, message_type,
                message_id, in_reply_to, actor, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;

    private static final int[] TYPES = {
        Types.OTHER,
        Types.TIMESTAMP,
        Types.VARCHAR,
        Types.INTEGER,
        Types.VARCHAR,
        Types.VARCHAR,
        Types.INTEGER,
        Types.VARCHAR,
        Types.OTHER,
        Types.OTHER,
        Types.VARCHAR,
        Types.VARCHAR
    };

    private final JdbcTemplate jdbc;

    StepLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Appends {@code lines} in the current transaction, in order. */
    void append(List<Line> lines) {
        if (lines.isEmpty()) {
            return;
        }
        List<Object[]> rows = lines.stream()
                .map(line -> new Object[] {
                    line.sagaId().value(),
                    Timestamp.from(line.at()),
                    line.entry().name(),
                    line.step(),
                    line.stepName(),
                    line.direction() == null ? null : line.direction().name(),
                    line.attempt(),
                    line.messageType(),
                    line.messageId(),
                    line.inReplyTo(),
                    line.actor(),
                    line.detail()
                })
                .toList();
        jdbc.batchUpdate(INSERT, rows, TYPES);
    }
}
