package io.sagaline.orchestrator.order.internal;

import io.sagaline.messaging.SagaId;
import io.sagaline.orchestrator.runtime.SagaLimitReached;
import io.sagaline.orchestrator.runtime.StartKeyReused;
import io.sagaline.web.ApiException;
import io.sagaline.web.InvalidField;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/orders}: place an order, and see it as its customer does. */
@RestController
@RequestMapping(path = "/api/orders", produces = MediaType.APPLICATION_JSON_VALUE)
class OrderController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";

    private final Orders orders;

    OrderController(Orders orders) {
        this.orders = orders;
    }

    /**
     * Starts the order's saga. With an {@code Idempotency-Key}, sending the same body again answers
     * with the same order and starts nothing; another body under that key is refused with 422.
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<PlacedOrder> place(
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) @Nullable String key,
            @Valid @RequestBody PlaceOrderRequest request) {
        if (key != null && (key.isBlank() || key.length() > 255)) {
            throw new InvalidField(IDEMPOTENCY_KEY, "must have 1 to 255 characters");
        }
        String startKey = key != null ? key : UUID.randomUUID().toString();
        Orders.Placement placement;
        try {
            placement = orders.place(request.toOrder(), startKey, SagaId.random());
        } catch (StartKeyReused e) {
            // The IETF idempotency-key draft's answer to a key reused with another body.
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency key reused", e.getMessage())
                    .with("sagaId", e.existing().value());
        } catch (SagaLimitReached e) {
            // Too many sagas under way: the client is told when to try again (RFC 9110).
            long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "Too many orders under way", e.getMessage())
                    .withHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
        }
        return ResponseEntity.accepted()
                .location(URI.create("/api/sagas/" + placement.sagaId()))
                .header(REPLAYED, String.valueOf(!placement.created()))
                .body(new PlacedOrder(placement.orderId(), placement.sagaId().value()));
    }

    @GetMapping("/{orderId}")
    OrderView get(@PathVariable UUID orderId) {
        return orders.find(orderId).orElseThrow(() -> ApiException.notFound("Order not found", "no order " + orderId));
    }

    /** What {@code POST /api/orders} answers; the saga's URL is in {@code Location}. */
    record PlacedOrder(UUID orderId, UUID sagaId) {}
}
