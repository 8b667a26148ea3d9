package io.sagaline.messaging;

import io.sagaline.messaging.contract.MessageTypes;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns envelopes into the JSON text stored in the outbox and carried by Kafka, and back.
 * Thread-safe.
 */
public final class EnvelopeCodec {

    /** The largest message a consumer accepts; larger ones are dead-lettered unparsed. */
    public static final int MAX_MESSAGE_CHARS = 1 << 20;

    /** Thread-safe and costly to build: one for every codec, its factory open as long as the JVM runs. */
    @SuppressWarnings("resource")
    private static final Validator VALIDATOR =
            Validation.buildDefaultValidatorFactory().getValidator();

    private final JsonMapper mapper;

    public EnvelopeCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public String encode(Envelope envelope) {
        return mapper.writeValueAsString(envelope);
    }

    /**
     * Parses a message value.
     *
     * @throws MalformedMessageException if the value is null, too large, not JSON, or not an
     *     envelope with all its required fields
     */
    public Envelope decode(String value) {
        if (value == null) {
            throw new MalformedMessageException("message has no value");
        }
        if (value.length() > MAX_MESSAGE_CHARS) {
            throw new MalformedMessageException(
                    "message of " + value.length() + " chars exceeds the limit of " + MAX_MESSAGE_CHARS);
        }
        try {
            return mapper.readValue(value, Envelope.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new MalformedMessageException("not a Sagaline envelope: " + firstLine(e.getMessage()), e);
        } catch (NullPointerException e) {
            throw new MalformedMessageException("envelope misses a required field: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a payload as the given record type and checks it against the constraints its record
     * declares (Bean Validation), as the REST API checks a request body.
     *
     * @throws MalformedMessageException if the payload does not parse as {@code type}, or breaks a
     *     constraint; the message names every field at fault
     */
    public <T> T payload(Envelope envelope, Class<T> type) {
        T payload;
        try {
            payload = mapper.treeToValue(envelope.payload(), type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new MalformedMessageException(
                    envelope.type() + " payload does not parse: " + firstLine(e.getMessage()), e);
        }
        if (payload == null) {
            throw new MalformedMessageException(envelope.type() + " has no payload");
        }
        Set<ConstraintViolation<T>> violations = VALIDATOR.validate(payload);
        if (!violations.isEmpty()) {
            throw new MalformedMessageException(envelope.type() + " payload is invalid: "
                    + violations.stream()
                            .map(violation -> violation.getPropertyPath() + " " + violation.getMessage())
                            .distinct()
                            .sorted()
                            .collect(Collectors.joining(", ")));
        }
        return payload;
    }

    /**
     * Reads the payload of a message {@code consumer} handles: one of {@code family}, such as its
     * sealed command interface, as the envelope's type names it.
     *
     * @throws MalformedMessageException if the type is unknown or not one of {@code family}, or the
     *     payload does not parse or breaks a constraint
     */
    public <T> T message(Envelope envelope, Class<T> family, String consumer) {
        Class<? extends T> type = MessageTypes.named(envelope.type(), family)
                .orElseThrow(() -> new MalformedMessageException(consumer + " does not handle " + envelope.type()));
        return payload(envelope, type);
    }

    /** Parses JSON text that this codec or the database wrote. */
    public tools.jackson.databind.JsonNode parseTree(String json) {
        return mapper.readTree(json);
    }

    /** Writes a payload record as a JSON tree, for {@link Envelope#command} and {@link Envelope#reply}. */
    public tools.jackson.databind.JsonNode toTree(Object payload) {
        return mapper.valueToTree(payload);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
