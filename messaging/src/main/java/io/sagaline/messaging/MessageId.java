package io.sagaline.messaging;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.UUID;

/** Identifies one message; the key of inbox deduplication. Serialized as a bare UUID string. */
public record MessageId(@JsonValue UUID value) {

    public MessageId {
        Objects.requireNonNull(value, "value");
    }

    public static MessageId of(UUID value) {
        return new MessageId(value);
    }

    @JsonCreator
    public static MessageId of(String value) {
        return new MessageId(UUID.fromString(value));
    }

    public static MessageId random() {
        return new MessageId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
