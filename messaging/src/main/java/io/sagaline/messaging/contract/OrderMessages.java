package io.sagaline.messaging.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Requests to the orchestrator on {@code orders.requests}. */
public final class OrderMessages {

    private OrderMessages() {}

    /**
     * Places an order: the orchestrator starts its saga. The same body as the admin API's
     * {@code POST /api/orders}. The envelope's message id is the client's idempotency key, so a
     * redelivered or resent request starts no second saga; its saga id becomes the saga's id.
     *
     * @param lines what is ordered; each unit price in minor units of {@code currency}
     * @param currency ISO 4217 code
     */
    public record PlaceOrder(
            @NotBlank @Size(max = 255) String customerId,
            @NotEmpty @Size(max = 100) List<@NotNull @Valid Line> lines,
            @NotBlank @Size(min = 3, max = 3) String currency,
            @NotNull @Valid Address shippingAddress,
            @NotBlank @Size(max = 320) String email) {

        /** One line: {@code quantity} units of {@code sku} at {@code unitPrice} minor units each. */
        public record Line(
                @NotBlank @Size(max = 255) String sku,
                @Positive int quantity,
                @PositiveOrZero long unitPrice) {}
    }
}
