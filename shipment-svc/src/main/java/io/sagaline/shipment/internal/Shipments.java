package io.sagaline.shipment.internal;

import io.sagaline.messaging.contract.ShipmentMessages.CancelShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentCancelled;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentFailed;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentReply;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentScheduled;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Books and cancels shipments. Both run inside the caller's transaction (the command's, which also
 * holds its inbox record and reply), so a failure anywhere leaves no booking behind.
 */
@Service
class Shipments {

    private final CarrierRepository carriers;
    private final ShipmentRepository shipments;
    private final TrackingNumbers trackingNumbers;
    private final Clock clock;

    Shipments(CarrierRepository carriers, ShipmentRepository shipments, TrackingNumbers trackingNumbers, Clock clock) {
        this.carriers = carriers;
        this.shipments = shipments;
        this.trackingNumbers = trackingNumbers;
        this.clock = clock;
    }

    ShipmentReply on(ScheduleShipment command) {
        UUID orderId = command.orderId();
        Optional<Shipment> existing = shipments.findByOrder(orderId);
        if (existing.isPresent()) {
            // One shipment per order: a second schedule (under another key) reports the booking
            // it already has rather than booking again.
            Shipment shipment = existing.get();
            return shipment.status() == Shipment.Status.ACTIVE
                    ? scheduled(shipment)
                    : new ShipmentFailed(orderId, "the shipment of order " + orderId + " was cancelled");
        }
        if (shipments.isCancelledOrder(orderId)) {
            return new ShipmentFailed(orderId, "order " + orderId + " was cancelled before it was scheduled");
        }
        if (command.units() < 1) {
            return new ShipmentFailed(orderId, "a shipment needs at least one unit, got " + command.units());
        }
        String region = command.destination().region();
        Instant now = clock.instant();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<CarrierRepository.Candidate> candidates = carriers.candidates(region, day);
        if (candidates.isEmpty()) {
            return new ShipmentFailed(orderId, "no carrier serves region " + region);
        }
        for (CarrierRepository.Candidate carrier : candidates) {
            if (carriers.takeSlot(carrier.id(), day)) {
                var shipment = new Shipment(
                        UUID.randomUUID(),
                        orderId,
                        carrier.id(),
                        carrier.name(),
                        trackingNumbers.next(),
                        Shipment.Status.ACTIVE,
                        region,
                        day,
                        now);
                shipments.insert(shipment, command.units(), command.destination());
                return scheduled(shipment);
            }
        }
        return new ShipmentFailed(orderId, "no carrier serving region " + region + " has capacity left on " + day);
    }

    ShipmentCancelled on(CancelShipment command) {
        UUID orderId = command.orderId();
        Instant now = clock.instant();
        Optional<ShipmentRepository.BookedSlot> slot = shipments.cancelActive(orderId, now);
        if (slot.isPresent()) {
            carriers.freeSlot(slot.get().carrierId(), slot.get().day());
        } else if (!shipments.existsForOrder(orderId)) {
            // The schedule command may still arrive (it timed out, it was not lost): remember the
            // cancellation so that it then books nothing.
            shipments.recordCancelledOrder(orderId, now);
        }
        return new ShipmentCancelled(orderId);
    }

    List<Shipment> ofOrder(UUID orderId) {
        return shipments.listByOrder(orderId);
    }

    private static ShipmentScheduled scheduled(Shipment shipment) {
        return new ShipmentScheduled(shipment.orderId(), shipment.id(), shipment.carrier(), shipment.trackingNumber());
    }
}
