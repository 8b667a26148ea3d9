package io.sagaline.orchestrator.runtime;

import io.sagaline.messaging.SagaId;
import java.util.Objects;

/**
 * A request to start a saga.
 *
 * @param sagaId the new saga's id
 * @param startKey the client's idempotency key: one key never starts two sagas
 * @param fingerprint identifies the request's content; the same key with another fingerprint is
 *     refused with {@link StartKeyReused}
 * @param data the saga's data at its start
 */
public record SagaStart<D extends Record>(SagaId sagaId, String startKey, String fingerprint, D data) {

    public SagaStart {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(startKey, "startKey");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(data, "data");
        if (startKey.isBlank() || startKey.length() > 255) {
            throw new IllegalArgumentException("a start key has 1 to 255 characters");
        }
    }
}
