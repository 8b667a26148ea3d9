package io.sagaline.orchestrator.admin;

import io.sagaline.orchestrator.admin.SagaViews.MemberView;
import io.sagaline.orchestrator.admin.SagaViews.Page;
import io.sagaline.orchestrator.admin.SagaViews.SagaDetail;
import io.sagaline.orchestrator.admin.SagaViews.SagaSummary;
import io.sagaline.orchestrator.admin.SagaViews.StepRef;
import io.sagaline.orchestrator.admin.SagaViews.StepSpan;
import io.sagaline.orchestrator.admin.SagaViews.TimelineEntry;
import io.sagaline.orchestrator.runtime.SagaType;
import io.sagaline.orchestrator.saga.Direction;
import io.sagaline.orchestrator.saga.GroupMember;
import io.sagaline.orchestrator.saga.SagaDefinition;
import io.sagaline.orchestrator.saga.SagaStatus;
import io.sagaline.orchestrator.saga.StepGroup;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads sagas and their step logs for the admin API. Each answer is read from one snapshot of the
 * database: a saga's row and its step log, or a page and its total, never from two moments on
 * either side of a transition's commit.
 */
@Repository
class SagaQueries {

    private static final String SUMMARY_COLUMNS = """
            id, type, definition_version, status, current_step, direction, attempt, deadline, reason, last_error,
            created_at, updated_at, members::text AS members
            """;

    private static final String DETAIL =
            "SELECT " + SUMMARY_COLUMNS + ", payload::text AS payload" + " FROM saga_instance WHERE id = :id";

    private static final String TIMELINE = """
            SELECT at, entry, step, step_name, direction, attempt, message_type, message_id, in_reply_to, actor, detail
            FROM saga_step_log WHERE saga_id = :id ORDER BY id
            """;

    private static final List<String> UNFINISHED = List.of(
            SagaStatus.RUNNING.name(),
            SagaStatus.COMPENSATING.name(),
            SagaStatus.COMPENSATION_FAILED.name(),
            SagaStatus.COMPLETION_FAILED.name());

    private static final TypeReference<List<GroupMember>> MEMBERS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper mapper;
    private final Clock clock;
    private final TransactionTemplate snapshot;
    private final Map<String, SagaType<?>> types = new HashMap<>();

    SagaQueries(
            JdbcClient jdbc,
            JsonMapper mapper,
            Clock clock,
            PlatformTransactionManager transactions,
            List<SagaType<?>> sagaTypes) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.clock = clock;
        // PostgreSQL takes a repeatable-read transaction's snapshot at its first statement and
        // keeps it: every later statement sees the same committed state.
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
        sagaTypes.forEach(type -> types.put(type.name(), type));
    }

    /** The sagas that match, newest first. */
    Page<SagaSummary> list(SagaFilter filter, int page, int size) {
        List<String> conditions = new ArrayList<>();
        Map<String, Object> params = new HashMap<>();
        if (!filter.statuses().isEmpty()) {
            conditions.add("status IN (:statuses)");
            params.put("statuses", filter.statuses().stream().map(Enum::name).toList());
        }
        if (filter.type() != null) {
            conditions.add("type = :type");
            params.put("type", filter.type());
        }
        if (filter.version() != null) {
            conditions.add("definition_version = :version");
            params.put("version", filter.version());
        }
        if (filter.step() != null) {
            List<Object[]> steps = matchingSteps(filter.type(), filter.step());
            if (steps.isEmpty()) {
                return new Page<>(List.of(), page, size, 0);
            }
            conditions.add("(type, definition_version, current_step) IN (:steps)");
            params.put("steps", steps);
        }
        if (filter.stuckFor() != null) {
            conditions.add("status IN (:unfinished) AND updated_at <= :stuckSince");
            params.put("unfinished", UNFINISHED);
            params.put("stuckSince", Timestamp.from(clock.instant().minus(filter.stuckFor())));
        }
        if (filter.error() != null) {
            conditions.add("(last_error ILIKE :error ESCAPE '\\' OR reason ILIKE :error ESCAPE '\\')");
            params.put("error", "%" + filter.error().replaceAll("([\\\\%_])", "\\\\$1") + "%");
        }
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        return snapshot.execute(status -> page(where, params, page, size));
    }

    private Page<SagaSummary> page(String where, Map<String, Object> params, int page, int size) {
        long total = jdbc.sql("SELECT count(*) FROM saga_instance" + where)
                .params(params)
                .query(Long.class)
                .single();
        List<SagaSummary> items = jdbc.sql("SELECT " + SUMMARY_COLUMNS + " FROM saga_instance" + where
                        + " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset")
                .params(params)
                .param("limit", size)
                .param("offset", (long) page * size)
                .query(this::summary)
                .list();
        return new Page<>(items, page, size, total);
    }

    Optional<SagaDetail> detail(UUID sagaId) {
        return snapshot.execute(status -> jdbc.sql(DETAIL)
                .param("id", sagaId)
                .query((rows, n) -> {
                    SagaSummary saga = summary(rows, n);
                    List<TimelineEntry> timeline = timeline(sagaId, saga.createdAt());
                    return SagaDetail.of(
                            saga,
                            mapper.readTree(rows.getString("payload")),
                            spans(timeline, definition(saga.type(), saga.definitionVersion())),
                            timeline);
                })
                .optional());
    }

    private List<TimelineEntry> timeline(UUID sagaId, Instant start) {
        Map<UUID, Instant> sent = new HashMap<>();
        List<TimelineEntry> entries = new ArrayList<>();
        jdbc.sql(TIMELINE).param("id", sagaId).query(rows -> {
            Instant at = rows.getTimestamp("at").toInstant();
            Instant previous = entries.isEmpty() ? start : entries.getLast().at();
            String entry = rows.getString("entry");
            UUID messageId = rows.getObject("message_id", UUID.class);
            UUID inReplyTo = rows.getObject("in_reply_to", UUID.class);
            if ("COMMAND_SENT".equals(entry) && messageId != null) {
                sent.put(messageId, at);
            }
            Instant request = inReplyTo == null ? null : sent.get(inReplyTo);
            String direction = rows.getString("direction");
            entries.add(new TimelineEntry(
                    at,
                    Duration.between(start, at).toMillis(),
                    Duration.between(previous, at).toMillis(),
                    request == null ? null : Duration.between(request, at).toMillis(),
                    entry,
                    rows.getObject("step", Integer.class),
                    rows.getString("step_name"),
                    direction == null ? null : Direction.valueOf(direction).action(),
                    rows.getObject("attempt", Integer.class),
                    rows.getString("message_type"),
                    messageId,
                    inReplyTo,
                    rows.getString("actor"),
                    rows.getString("detail")));
        });
        return entries;
    }

    /** Each command sent and the reply that answered it, if one did. */
    private static List<StepSpan> spans(List<TimelineEntry> timeline, @Nullable SagaDefinition<?> definition) {
        Map<UUID, TimelineEntry> replies = new HashMap<>();
        for (TimelineEntry entry : timeline) {
            if ("REPLY".equals(entry.entry()) && entry.inReplyTo() != null) {
                replies.putIfAbsent(entry.inReplyTo(), entry);
            }
        }
        List<StepSpan> spans = new ArrayList<>();
        for (TimelineEntry sent : timeline) {
            if (!"COMMAND_SENT".equals(sent.entry()) || sent.step() == null || sent.messageId() == null) {
                continue;
            }
            TimelineEntry reply = replies.get(sent.messageId());
            StepGroup group =
                    definition == null || sent.step() >= definition.size() ? null : definition.group(sent.step());
            spans.add(new StepSpan(
                    sent.step(),
                    String.valueOf(sent.stepName()),
                    String.valueOf(sent.direction()),
                    sent.attempt() == null ? 1 : sent.attempt(),
                    group != null
                                    && group.isParallel()
                                    && Direction.FORWARD.action().equals(sent.direction())
                            ? group.first()
                            : null,
                    sent.sinceStartMs(),
                    reply == null ? null : reply.sinceStartMs() - sent.sinceStartMs(),
                    reply == null ? null : reply.messageType()));
        }
        return spans;
    }

    private @Nullable SagaDefinition<?> definition(String type, int version) {
        SagaType<?> sagaType = types.get(type);
        if (sagaType == null) {
            return null;
        }
        return sagaType.definition(version).orElse(null);
    }

    /** (type, version, index) of every registered step called {@code step}, or at index {@code step}. */
    private List<Object[]> matchingSteps(@Nullable String type, String step) {
        List<Object[]> matches = new ArrayList<>();
        for (SagaType<?> sagaType : types.values()) {
            if (type != null && !type.equals(sagaType.name())) {
                continue;
            }
            for (SagaDefinition<?> definition : sagaType.definitions()) {
                for (int index = 0; index < definition.size(); index++) {
                    if (definition.step(index).name().equalsIgnoreCase(step)
                            || String.valueOf(index).equals(step)) {
                        // A saga on a parallel group stands on the group's first step.
                        matches.add(new Object[] {
                            sagaType.name(),
                            definition.version(),
                            definition.group(index).first()
                        });
                    }
                }
            }
        }
        return matches;
    }

    private SagaSummary summary(ResultSet rows, int n) throws SQLException {
        String type = rows.getString("type");
        int version = rows.getInt("definition_version");
        Timestamp deadline = rows.getTimestamp("deadline");
        return new SagaSummary(
                rows.getObject("id", UUID.class),
                type,
                version,
                SagaStatus.valueOf(rows.getString("status")),
                stepRef(type, version, rows.getInt("current_step")),
                Direction.valueOf(rows.getString("direction")).action(),
                rows.getInt("attempt"),
                deadline == null ? null : deadline.toInstant(),
                rows.getString("reason"),
                rows.getString("last_error"),
                rows.getTimestamp("created_at").toInstant(),
                rows.getTimestamp("updated_at").toInstant(),
                members(type, version, rows.getString("members")));
    }

    private List<MemberView> members(String type, int version, @Nullable String json) {
        if (json == null) {
            return List.of();
        }
        SagaDefinition<?> definition = definition(type, version);
        return mapper.readValue(json, MEMBERS).stream()
                .map(member -> new MemberView(
                        member.step(),
                        definition == null
                                ? "step " + member.step()
                                : definition.step(member.step()).name(),
                        member.phase().name(),
                        member.attempt(),
                        member.deadline(),
                        member.lastError()))
                .toList();
    }

    private @Nullable StepRef stepRef(String type, int version, int index) {
        SagaDefinition<?> definition = definition(type, version);
        if (definition == null || index < 0 || index >= definition.size()) {
            return null;
        }
        return new StepRef(
                index,
                definition.step(index).name(),
                definition.step(index).kind().name());
    }
}
