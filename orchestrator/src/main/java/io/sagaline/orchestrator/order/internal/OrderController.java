package io.sagaline.orchestrator.order.internal;

import io.sagaline.messaging.SagaId;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
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
            throw badKey();
        }
        String startKey = key != null ? key : UUID.randomUUID().toString();
        Orders.Placement placement = orders.place(request.toOrder(), startKey, SagaId.random());
        return ResponseEntity.accepted()
                .location(URI.create("/api/sagas/" + placement.sagaId()))
                .header(REPLAYED, String.valueOf(!placement.created()))
                .body(new PlacedOrder(placement.orderId(), placement.sagaId().value()));
    }

    @GetMapping("/{orderId}")
    OrderView get(@PathVariable UUID orderId) {
        return orders.find(orderId).orElseThrow(() -> {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no order " + orderId);
            problem.setTitle("Order not found");
            return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
        });
    }

    private static ErrorResponseException badKey() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST, IDEMPOTENCY_KEY + " must have 1 to 255 characters");
        problem.setTitle("Invalid request");
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
    }

    /** What {@code POST /api/orders} answers; the saga's URL is in {@code Location}. */
    record PlacedOrder(UUID orderId, UUID sagaId) {}
}
