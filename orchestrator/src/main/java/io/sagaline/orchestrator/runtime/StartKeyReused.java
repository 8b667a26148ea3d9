package io.sagaline.orchestrator.runtime;

import io.sagaline.messaging.SagaId;

/** A start key already started a saga from a different request; nothing was started. */
public final class StartKeyReused extends RuntimeException {

    private final SagaId existing;

    StartKeyReused(String startKey, SagaId existing) {
        super("idempotency key " + startKey + " already started saga " + existing + " with a different request");
        this.existing = existing;
    }

    /** The saga the key started. */
    public SagaId existing() {
        return existing;
    }
}
