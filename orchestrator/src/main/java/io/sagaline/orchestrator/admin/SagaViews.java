package io.sagaline.orchestrator.admin;

import io.sagaline.orchestrator.saga.SagaStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** What {@code /api/sagas} answers. */
final class SagaViews {

    private SagaViews() {}

    /**
     * One saga in a list.
     *
     * @param currentStep absent once every compensation is done
     * @param direction {@code forward} or {@code compensate}
     * @param deadline when the awaited reply times out or the pending retry is due
     * @param members the steps of the parallel group the saga stands on, side by side; empty for a
     *     step run alone
     */
    record SagaSummary(
            UUID sagaId,
            String type,
            int definitionVersion,
            SagaStatus status,
            @Nullable StepRef currentStep,
            String direction,
            int attempt,
            @Nullable Instant deadline,
            @Nullable String reason,
            @Nullable String lastError,
            Instant createdAt,
            Instant updatedAt,
            List<MemberView> members) {}

    /** A step of the saga's definition. */
    record StepRef(int index, String name, String kind) {}

    /**
     * One step of the parallel group a saga stands on.
     *
     * @param phase {@code AWAITING}, {@code RESEND_DUE}, {@code RETRY_DUE}, {@code SUCCEEDED},
     *     {@code FAILED} or {@code IN_DOUBT}
     * @param deadline when its reply times out, or its next attempt is due
     */
    record MemberView(
            int index,
            String name,
            String phase,
            int attempt,
            @Nullable Instant deadline,
            @Nullable String lastError) {}

    /**
     * One attempt of one step, from its command to its reply: the bars of the saga's timeline.
     * Members of a parallel group share their {@code group}, so they line up side by side.
     *
     * @param group the index of the first step of the parallel group the step ran in; absent for a
     *     step run alone
     * @param startMs milliseconds from the saga's start to the command
     * @param durationMs milliseconds from the command to its reply; absent while none came
     * @param outcome the reply's message type; absent while none came
     */
    record StepSpan(
            int step,
            String name,
            String direction,
            int attempt,
            @Nullable Integer group,
            long startMs,
            @Nullable Long durationMs,
            @Nullable String outcome) {}

    /**
     * One saga with its data, each step attempt as a span, and its step log.
     *
     * @param steps every command sent and its reply, in the order sent
     */
    record SagaDetail(
            UUID sagaId,
            String type,
            int definitionVersion,
            SagaStatus status,
            @Nullable StepRef currentStep,
            String direction,
            int attempt,
            @Nullable Instant deadline,
            @Nullable String reason,
            @Nullable String lastError,
            Instant createdAt,
            Instant updatedAt,
            List<MemberView> members,
            JsonNode payload,
            List<StepSpan> steps,
            List<TimelineEntry> timeline) {

        static SagaDetail of(SagaSummary saga, JsonNode payload, List<StepSpan> steps, List<TimelineEntry> timeline) {
            return new SagaDetail(
                    saga.sagaId(),
                    saga.type(),
                    saga.definitionVersion(),
                    saga.status(),
                    saga.currentStep(),
                    saga.direction(),
                    saga.attempt(),
                    saga.deadline(),
                    saga.reason(),
                    saga.lastError(),
                    saga.createdAt(),
                    saga.updatedAt(),
                    saga.members(),
                    payload,
                    steps,
                    timeline);
        }
    }

    /**
     * One line of the step log.
     *
     * @param sinceStartMs milliseconds from the saga's start to this line
     * @param sincePreviousMs milliseconds from the line before
     * @param waitedMs for a reply: milliseconds since the command it answers was sent
     */
    record TimelineEntry(
            Instant at,
            long sinceStartMs,
            long sincePreviousMs,
            @Nullable Long waitedMs,
            String entry,
            @Nullable Integer step,
            @Nullable String stepName,
            @Nullable String direction,
            @Nullable Integer attempt,
            @Nullable String messageType,
            @Nullable UUID messageId,
            @Nullable UUID inReplyTo,
            @Nullable String actor,
            @Nullable String detail) {}

    /** One page of a list, newest first. */
    record Page<T>(List<T> items, int page, int size, long totalItems) {}
}
