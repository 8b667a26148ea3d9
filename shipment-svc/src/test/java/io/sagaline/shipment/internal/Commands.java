package io.sagaline.shipment.internal;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.MessageId;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.contract.Address;
import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.messaging.contract.ShipmentMessages.CancelShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import java.time.Instant;
import java.util.UUID;

/** Command envelopes as the orchestrator sends them: one saga per order, one key per step and action. */
final class Commands {

    private final EnvelopeCodec codec;

    Commands(EnvelopeCodec codec) {
        this.codec = codec;
    }

    static Address addressIn(String region) {
        return new Address("DE", region, "Berlin", "Hauptstrasse 1", "10115");
    }

    Envelope schedule(UUID orderId, String region) {
        return envelope(orderId, new ScheduleShipment(orderId, addressIn(region), 2), "3:schedule");
    }

    Envelope cancel(UUID orderId) {
        return envelope(orderId, new CancelShipment(orderId), "3:cancel");
    }

    /** The same command again as a new message: what the orchestrator sends after a timeout. */
    static Envelope retried(Envelope command) {
        return new Envelope(
                MessageId.random(),
                command.sagaId(),
                command.type(),
                command.payload(),
                command.idempotencyKey(),
                null,
                null,
                null,
                command.createdAt());
    }

    /** The same command under another idempotency key: a separate request, not a retry. */
    static Envelope withKey(Envelope command, String idempotencyKey) {
        return new Envelope(
                MessageId.random(),
                command.sagaId(),
                command.type(),
                command.payload(),
                idempotencyKey,
                null,
                null,
                null,
                command.createdAt());
    }

    private Envelope envelope(UUID orderId, Record payload, String stepAndAction) {
        return Envelope.command(
                SagaId.of(orderId),
                MessageTypes.of(payload),
                codec.toTree(payload),
                orderId + ":" + stepAndAction,
                Instant.parse("2026-03-02T10:00:00Z"));
    }
}
