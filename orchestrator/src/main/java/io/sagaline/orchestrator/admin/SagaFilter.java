package io.sagaline.orchestrator.admin;

import io.sagaline.orchestrator.saga.SagaStatus;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@code GET /api/sagas} filters on; every criterion is optional and they combine with AND.
 *
 * @param statuses any of these statuses
 * @param type the saga type
 * @param version the definition version the saga runs on
 * @param step the current step, by name or index
 * @param stuckFor not final and unchanged for at least this long
 * @param error text in the last error or the reason, case-insensitive
 */
record SagaFilter(
        List<SagaStatus> statuses,
        @Nullable String type,
        @Nullable Integer version,
        @Nullable String step,
        @Nullable Duration stuckFor,
        @Nullable String error) {}
