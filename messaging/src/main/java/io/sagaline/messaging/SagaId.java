package io.sagaline.messaging;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.UUID;

/**
 * Identifies one saga instance. It is the Kafka key of every message of that saga, so a saga's
 * messages stay in order on one partition. Serialized as a bare UUID string.
 */
public record SagaId(@JsonValue UUID value) {

    public SagaId {
        Objects.requireNonNull(value, "value");
    }

    public static SagaId of(UUID value) {
        return new SagaId(value);
    }

    @JsonCreator
    public static SagaId of(String value) {
        return new SagaId(UUID.fromString(value));
    }

    public static SagaId random() {
        return new SagaId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
