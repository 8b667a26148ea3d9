package io.sagaline.shipment.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/shipments")
class ShipmentController {

    private final Shipments shipments;

    ShipmentController(Shipments shipments) {
        this.shipments = shipments;
    }

    @GetMapping
    List<ShipmentView> ofOrder(@RequestParam UUID orderId) {
        return shipments.ofOrder(orderId).stream().map(ShipmentView::of).toList();
    }

    record ShipmentView(
            UUID shipmentId,
            UUID orderId,
            String carrier,
            String trackingNumber,
            String status,
            String region,
            Instant createdAt) {

        static ShipmentView of(Shipment shipment) {
            return new ShipmentView(
                    shipment.id(),
                    shipment.orderId(),
                    shipment.carrier(),
                    shipment.trackingNumber(),
                    shipment.status().name(),
                    shipment.region(),
                    shipment.createdAt());
        }
    }
}
