package io.sagaline.twopc.internal;

import io.sagaline.web.InvalidField;
import jakarta.validation.Valid;
import java.time.Duration;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/orders}: the whole checkout, synchronously, as one global transaction. */
@RestController
class OrderController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";

    private final Coordinator coordinator;

    OrderController(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    /**
     * Answers 200 once the order is APPROVED or REJECTED. The same key again answers the order it
     * placed (with {@code Idempotent-Replayed: true}); without a key every request is a new order.
     */
    @PostMapping(
            path = "/api/orders",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<PlacedOrder> place(
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) @Nullable String key,
            @Valid @RequestBody PlaceOrderRequest request)
            throws InterruptedException {
        long start = System.nanoTime();
        if (key != null && (key.isBlank() || key.length() > 255)) {
            throw new InvalidField(IDEMPOTENCY_KEY, "must have 1 to 255 characters");
        }
        Coordinator.Outcome outcome = coordinator.place(request.toOrder(
                UUID.randomUUID(), key != null ? key : UUID.randomUUID().toString()));
        long durationMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        return ResponseEntity.ok()
                .header(REPLAYED, Boolean.toString(outcome.replayed()))
                .body(new PlacedOrder(outcome.orderId(), outcome.status(), outcome.reason(), durationMs));
    }

    /** @param durationMs how long this request took, waiting for a global transaction slot included */
    record PlacedOrder(
            UUID orderId, OrderStatus status, @Nullable String reason, long durationMs) {}
}
