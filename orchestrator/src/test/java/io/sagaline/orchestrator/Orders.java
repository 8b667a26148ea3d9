package io.sagaline.orchestrator;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.MessageId;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.contract.Address;
import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.messaging.contract.OrderMessages.PlaceOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Orders as a client would send them: bodies for the API, and requests for Kafka. */
final class Orders {

    private Orders() {}

    /** The same order as {@link #order}, as a {@code PlaceOrder} for {@code orders.requests}. */
    static PlaceOrder placeOrder(String customerId) {
        return new PlaceOrder(
                customerId,
                List.of(new PlaceOrder.Line("BOOK-1", 2, 1250), new PlaceOrder.Line("MUG-1", 1, 899)),
                "EUR",
                new Address("DE", "north", "Hamburg", "Hafenstrasse 1", "20359"),
                customerId + "@example.com");
    }

    /** {@code order} in an envelope of its own, under a new message id (the idempotency key) and saga id. */
    static Envelope request(PlaceOrder order, EnvelopeCodec codec) {
        MessageId messageId = MessageId.random();
        return new Envelope(
                messageId,
                SagaId.random(),
                MessageTypes.of(PlaceOrder.class),
                codec.toTree(order),
                "place-order:" + messageId,
                null,
                "client-" + order.customerId(),
                null,
                Instant.now());
    }

    /** Two books and a mug, 2 × 1250 + 1 × 899 = 3399 minor units of EUR, shipped north. */
    static Map<String, Object> order(String customerId) {
        return Map.of(
                "customerId",
                customerId,
                "lines",
                List.of(line("BOOK-1", 2, 1250), line("MUG-1", 1, 899)),
                "currency",
                "EUR",
                "shippingAddress",
                Map.of(
                        "country",
                        "DE",
                        "region",
                        "north",
                        "city",
                        "Hamburg",
                        "line1",
                        "Hafenstrasse 1",
                        "postalCode",
                        "20359"),
                "email",
                customerId + "@example.com");
    }

    static Map<String, Object> line(String sku, int quantity, long unitPrice) {
        return Map.of("sku", sku, "quantity", quantity, "unitPrice", unitPrice);
    }
}
