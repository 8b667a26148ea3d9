package io.sagaline.messaging.contract;

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
            String customerId, List<Line> lines, String currency, Address shippingAddress, String email) {

        /** One line: {@code quantity} units of {@code sku} at {@code unitPrice} minor units each. */
        public record Line(String sku, int quantity, long unitPrice) {}
    }
}
