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
            Instant updatedAt) {}

    /** A step of the saga's definition. */
    record StepRef(int index, String name, String kind) {}

    /** One saga with its data and its step log. */
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
            JsonNode payload,
            List<TimelineEntry> timeline) {

        static SagaDetail of(SagaSummary saga, JsonNode payload, List<TimelineEntry> timeline) {
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
                    payload,
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
