package io.sagaline.orchestrator;

import java.util.List;
import java.util.Map;

/** Order bodies for the API, as a client would send them. */
final class Orders {

    private Orders() {}

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
