package io.sagaline.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaline.messaging.contract.Address;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.OrderLine;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class EnvelopeCodecTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final EnvelopeCodec CODEC = new EnvelopeCodec(JSON);

    private static final UUID MESSAGE = UUID.fromString("7d4f2b8e-3c1a-4e59-9a0b-6f2d8c1e5a31");
    private static final UUID SAGA = UUID.fromString("0b9e6c2d-51f4-4a7e-8d3b-2c6a9f0e1d47");
    private static final UUID REQUEST = UUID.fromString("e3a1c5b7-9d2f-4b8e-a6c0-1f4d7b9e2a53");
    private static final Instant CREATED = Instant.parse("2025-03-01T10:15:30.123456789Z");
    private static final Address ADDRESS = new Address("DE", "north", "Hamburg", "Hafenstrasse 1", "20359");

    @Test
    void roundTripsAnEnvelopeWithEveryOptionalFieldSet() {
        Envelope envelope = new Envelope(
                MessageId.of(MESSAGE),
                SagaId.of(SAGA),
                "PaymentAuthorized",
                payload(),
                SAGA + ":authorize-payment:1",
                MessageId.of(REQUEST),
                "order-request-42",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                CREATED);

        String json = CODEC.encode(envelope);

        assertThat(CODEC.decode(json)).isEqualTo(envelope);
        assertThat(json)
                .contains("\"messageId\":\"" + MESSAGE + "\"")
                .contains("\"sagaId\":\"" + SAGA + "\"")
                .contains("\"inReplyTo\":\"" + REQUEST + "\"")
                .contains("\"correlationId\":\"order-request-42\"")
                .contains("\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"");
    }

    @Test
    void roundTripsAnEnvelopeWithEveryOptionalFieldNull() {
        Envelope envelope = new Envelope(
                MessageId.of(MESSAGE),
                SagaId.of(SAGA),
                "AuthorizePayment",
                payload(),
                SAGA + ":authorize-payment:1",
                null,
                null,
                null,
                CREATED);

        String json = CODEC.encode(envelope);
        Envelope decoded = CODEC.decode(json);

        assertThat(decoded).isEqualTo(envelope);
        assertThat(decoded.inReplyTo()).isNull();
        assertThat(decoded.correlationId()).isNull();
        assertThat(decoded.traceparent()).isNull();
        assertThat(json).contains("\"messageId\":\"" + MESSAGE + "\"").contains("\"sagaId\":\"" + SAGA + "\"");
    }

    @Test
    void writesTypedIdsAsBareUuidStrings() {
        Envelope envelope = Envelope.command(SagaId.of(SAGA), "AuthorizePayment", payload(), "key", CREATED)
                .reply("PaymentAuthorized", payload(), CREATED);

        var tree = JSON.readTree(CODEC.encode(envelope));

        assertThat(tree.get("messageId").isString()).isTrue();
        assertThat(tree.get("messageId").asString())
                .isEqualTo(envelope.messageId().value().toString());
        assertThat(tree.get("sagaId").isString()).isTrue();
        assertThat(tree.get("sagaId").asString()).isEqualTo(SAGA.toString());
        assertThat(tree.get("inReplyTo").isString()).isTrue();
        assertThat(tree.get("inReplyTo").asString())
                .isEqualTo(envelope.inReplyTo().value().toString());
    }

    @Test
    void acceptsAMessageOfExactlyTheSizeLimit() {
        String json = encodedWithLength(EnvelopeCodec.MAX_MESSAGE_CHARS);

        assertThat(json).hasSize(EnvelopeCodec.MAX_MESSAGE_CHARS);
        assertThat(CODEC.decode(json).sagaId()).isEqualTo(SagaId.of(SAGA));
    }

    @Test
    void rejectsAMessageOverTheSizeLimitUnparsed() {
        String json = encodedWithLength(EnvelopeCodec.MAX_MESSAGE_CHARS + 1);

        assertThatThrownBy(() -> CODEC.decode(json))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("exceeds the limit")
                .hasNoCause();
    }

    @Test
    void rejectsAMessageThatIsNotJson() {
        assertThatThrownBy(() -> CODEC.decode("this is not json {"))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageStartingWith("not a Sagaline envelope");
    }

    @Test
    void rejectsJsonThatIsNotAnObject() {
        assertThatThrownBy(() -> CODEC.decode("[1, 2, 3]")).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void rejectsAMessageWithoutValue() {
        assertThatThrownBy(() -> CODEC.decode(null))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("no value");
    }

    @Test
    void rejectsAnEnvelopeWithoutSagaId() {
        ObjectNode json = validJson();
        json.remove("sagaId");

        assertThatThrownBy(() -> CODEC.decode(json.toString())).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void rejectsAnEnvelopeWithoutMessageId() {
        ObjectNode json = validJson();
        json.remove("messageId");

        assertThatThrownBy(() -> CODEC.decode(json.toString())).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void rejectsAnEnvelopeWithoutPayload() {
        ObjectNode json = validJson();
        json.remove("payload");

        assertThatThrownBy(() -> CODEC.decode(json.toString())).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void rejectsAnEnvelopeWhosePayloadIsNull() {
        ObjectNode json = validJson();
        json.putNull("payload");

        assertThatThrownBy(() -> CODEC.decode(json.toString())).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void rejectsANullPayloadWhenReadAsARecord() {
        record Amount(String currency, long cents) {}
        ObjectNode json = validJson();
        json.putNull("payload");

        assertThatThrownBy(() -> CODEC.payload(CODEC.decode(json.toString()), Amount.class))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void rejectsTextAfterTheEnvelope() {
        String json = validJson().toString() + " trailing";

        assertThatThrownBy(() -> CODEC.decode(json)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void rejectsAnEnvelopeWithABlankType() {
        ObjectNode json = validJson();
        json.put("type", "  ");

        assertThatThrownBy(() -> CODEC.decode(json.toString())).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void rejectsAnEnvelopeWithASagaIdThatIsNotAUuid() {
        ObjectNode json = validJson();
        json.put("sagaId", "order-42");

        assertThatThrownBy(() -> CODEC.decode(json.toString())).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void replyKeepsSagaAndIdempotencyKeyAndNamesTheRequest() {
        Envelope command = Envelope.command(SagaId.of(SAGA), "AuthorizePayment", payload(), "key-1", CREATED)
                .withCorrelationId("order-request-42")
                .withTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Instant repliedAt = CREATED.plusSeconds(2);
        var replyPayload = JSON.createObjectNode().put("authorizationId", "auth-7");

        Envelope reply = command.reply("PaymentAuthorized", replyPayload, repliedAt);

        assertThat(reply.sagaId()).isEqualTo(command.sagaId());
        assertThat(reply.idempotencyKey()).isEqualTo("key-1");
        assertThat(reply.inReplyTo()).isEqualTo(command.messageId());
        assertThat(reply.messageId()).isNotEqualTo(command.messageId());
        assertThat(reply.type()).isEqualTo("PaymentAuthorized");
        assertThat(reply.payload()).isEqualTo(replyPayload);
        assertThat(reply.createdAt()).isEqualTo(repliedAt);
        assertThat(reply.correlationId()).isEqualTo("order-request-42");
        assertThat(reply.traceparent()).isEqualTo(command.traceparent());
        assertThat(command.inReplyTo()).isNull();
    }

    @Test
    void readsAPayloadAsARecord() {
        record Amount(String currency, long cents) {}
        Envelope envelope = Envelope.command(
                SagaId.of(SAGA), "AuthorizePayment", CODEC.toTree(new Amount("EUR", 1250)), "key", CREATED);

        Envelope decoded = CODEC.decode(CODEC.encode(envelope));

        assertThat(CODEC.payload(decoded, Amount.class)).isEqualTo(new Amount("EUR", 1250));
    }

    @Test
    void rejectsAPayloadThatDoesNotFitItsType() {
        record Amount(String currency, long cents) {}
        var payload = JSON.createObjectNode().put("currency", "EUR").put("cents", "twelve");
        Envelope envelope = Envelope.command(SagaId.of(SAGA), "AuthorizePayment", payload, "key", CREATED);

        assertThatThrownBy(() -> CODEC.payload(envelope, Amount.class))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageStartingWith("AuthorizePayment payload does not parse");
    }

    @Test
    void rejectsACommandWithAMissingFieldNamingIt() {
        var schedule = CODEC.toTree(new ScheduleShipment(UUID.randomUUID(), ADDRESS, 2));
        ((ObjectNode) schedule).remove("destination");

        assertThatThrownBy(() -> CODEC.payload(envelope("ScheduleShipment", schedule), ScheduleShipment.class))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessage("ScheduleShipment payload is invalid: destination must not be null");
    }

    @Test
    void rejectsNestedAndCountedFieldsOutOfRangeNamingEach() {
        var reserve = JSON.createObjectNode().put("orderId", UUID.randomUUID().toString());
        reserve.putArray("lines")
                .addObject()
                .put("sku", " ")
                .put("quantity", 1)
                .putObject("unitPrice")
                .put("amountMinor", 100)
                .put("currency", "EUR");
        var shipment = CODEC.toTree(new ScheduleShipment(UUID.randomUUID(), ADDRESS, 2));
        ((ObjectNode) shipment).put("units", 0);
        ((ObjectNode) shipment.get("destination")).put("region", "");

        assertThatThrownBy(() -> CODEC.payload(envelope("ReserveInventory", reserve), ReserveInventory.class))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessage("ReserveInventory payload is invalid: lines[0].sku must not be blank");
        assertThatThrownBy(() -> CODEC.payload(envelope("ScheduleShipment", shipment), ScheduleShipment.class))
                .hasMessage("ScheduleShipment payload is invalid: destination.region must not be blank, units must be"
                        + " greater than 0");
    }

    @Test
    void rejectsAnEmptyListAndAnAbsurdSize() {
        var empty = CODEC.toTree(new ReserveInventory(UUID.randomUUID(), List.of()));
        var huge = CODEC.toTree(new PaymentDeclined(UUID.randomUUID(), "x".repeat(2001)));

        assertThatThrownBy(() -> CODEC.payload(envelope("ReserveInventory", empty), ReserveInventory.class))
                .hasMessage("ReserveInventory payload is invalid: lines must not be empty");
        assertThatThrownBy(() -> CODEC.payload(envelope("PaymentDeclined", huge), PaymentDeclined.class))
                .hasMessage("PaymentDeclined payload is invalid: reason size must be between 0 and 2000");
    }

    @Test
    void acceptsEveryValidContractMessage() {
        var authorize = new AuthorizePayment(UUID.randomUUID(), "alice", Money.of(1999, "EUR"));
        var reserve =
                new ReserveInventory(UUID.randomUUID(), List.of(new OrderLine("BOOK-1", 2, Money.of(1999, "EUR"))));

        assertThat(CODEC.payload(envelope("AuthorizePayment", CODEC.toTree(authorize)), AuthorizePayment.class))
                .isEqualTo(authorize);
        assertThat(CODEC.payload(envelope("ReserveInventory", CODEC.toTree(reserve)), ReserveInventory.class))
                .isEqualTo(reserve);
    }

    private static Envelope envelope(String type, tools.jackson.databind.JsonNode payload) {
        return Envelope.command(SagaId.of(SAGA), type, payload, "key", CREATED);
    }

    private static ObjectNode payload() {
        return JSON.createObjectNode().put("orderId", "order-42").put("cents", 1250);
    }

    private static ObjectNode validJson() {
        Envelope envelope = Envelope.command(SagaId.of(SAGA), "AuthorizePayment", payload(), "key", CREATED);
        ObjectNode json = (ObjectNode) JSON.readTree(CODEC.encode(envelope));
        // The fixture must decode as it is, so each test's single change is what makes it fail.
        assertThat(CODEC.decode(json.toString())).isEqualTo(envelope);
        return json;
    }

    /** A valid envelope whose JSON text is exactly {@code length} characters long. */
    private static String encodedWithLength(int length) {
        String empty = CODEC.encode(filler(""));
        String json = CODEC.encode(filler("a".repeat(length - empty.length())));
        assertThat(json).hasSize(length);
        return json;
    }

    private static Envelope filler(String text) {
        return new Envelope(
                MessageId.of(MESSAGE),
                SagaId.of(SAGA),
                "Filler",
                JSON.createObjectNode().put("text", text),
                "key",
                null,
                null,
                null,
                CREATED);
    }
}
