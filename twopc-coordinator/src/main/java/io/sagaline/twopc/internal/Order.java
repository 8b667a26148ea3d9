package io.sagaline.twopc.internal;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/** A valid order to place, under the client's idempotency key; amounts in minor units. */
record Order(
        UUID id,
        String key,
        String customerId,
        List<Line> lines,
        String currency,
        Address shippingAddress,
        String email) {

    Order {
        lines = List.copyOf(lines);
    }

    record Line(String sku, int quantity, long unitPrice) {}

    record Address(String country, String region, String city, String line1, String postalCode) {}

    long total() {
        long total = 0;
        for (Line line : lines) {
            total = Math.addExact(total, Math.multiplyExact(line.unitPrice(), line.quantity()));
        }
        return total;
    }

    int units() {
        return lines.stream().mapToInt(Line::quantity).sum();
    }

    /** Quantities by SKU in SKU order, so that every transaction locks units in the same order. */
    SortedMap<String, Integer> quantitiesBySku() {
        SortedMap<String, Integer> quantities = new TreeMap<>();
        lines.forEach(line -> quantities.merge(line.sku(), line.quantity(), Math::addExact));
        return quantities;
    }
}
