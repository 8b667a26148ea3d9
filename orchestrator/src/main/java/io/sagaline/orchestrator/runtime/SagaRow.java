package io.sagaline.orchestrator.runtime;

import io.sagaline.messaging.SagaId;
import io.sagaline.orchestrator.saga.SagaState;
import java.time.Instant;

/**
 * A stored saga instance.
 *
 * @param payload the saga's data as JSON
 * @param version the optimistic lock: a write must name the version it read
 */
record SagaRow(
        SagaId id,
        String type,
        int definitionVersion,
        SagaState state,
        String payload,
        long version,
        String startKey,
        String startFingerprint,
        Instant createdAt,
        Instant updatedAt) {}
