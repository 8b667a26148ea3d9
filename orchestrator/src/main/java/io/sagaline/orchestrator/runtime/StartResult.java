package io.sagaline.orchestrator.runtime;

import io.sagaline.messaging.SagaId;

/**
 * @param sagaId the saga the start key names
 * @param created {@code false} when the key had started it before and this request changed nothing
 */
public record StartResult(SagaId sagaId, boolean created) {}
