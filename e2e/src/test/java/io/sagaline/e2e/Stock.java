package io.sagaline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.e2e.OrderStream.Kind;
import io.sagaline.testing.ApiClient;
import java.util.List;
import java.util.Map;

/** Stock and carriers for long order streams: the demo's (100 books, 50 mugs, 1000 shipments a day) are too few. */
final class Stock {

    private Stock() {}

    /** Enough units of every SKU the stream approves, and a carrier, for {@code orders} orders or more. */
    static void forLongStreams(Sagaline system, int orders) {
        ApiClient inventory = system.api(Service.INVENTORY);
        int units = Math.max(3_000, orders);
        for (Kind kind : List.of(Kind.BOOK, Kind.MUGS)) {
            var price = Map.of("amountMinor", kind.unitPrice, "currency", "EUR");
            var added = inventory.post(
                    "/api/skus/" + kind.sku + "/units",
                    ApiClient.json(Map.of("count", units, "unitPrice", price)),
                    Map.of());
            assertThat(added.status()).as(added.body()).isEqualTo(201);
        }
        var carrier = system.api(Service.SHIPMENT)
                .post(
                        "/api/carriers",
                        ApiClient.json(Map.of(
                                "name", "Crash Test Freight", "regions", List.of("north"), "dailyCapacity", 100_000)),
                        Map.of());
        assertThat(carrier.status()).as(carrier.body()).isEqualTo(201);
    }
}
