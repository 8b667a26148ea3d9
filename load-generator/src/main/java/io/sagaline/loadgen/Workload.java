package io.sagaline.loadgen;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The data a run places orders against, and the orders themselves: the same for the saga system
 * and the two-phase-commit baseline, seeded through the same HTTP endpoints.
 *
 * <p>Customers and SKUs are named after the run, so runs against one long-lived system never share
 * rows. A share of the orders is refused on purpose, half by payment (a customer with no credit) and
 * half by inventory (an SKU nobody stocks), so compensations run under load too.
 */
record Workload(
        String runId,
        int customers,
        int skus,
        int hotSkus,
        int regions,
        double refusedShare,
        int unitsPerSku,
        long unitPrice) {

    static final String CURRENCY = "EUR";
    private static final int UNITS_PER_REQUEST = 10_000;

    static Workload from(Options options, int expectedOrders) {
        int skus = options.integer("skus", 100);
        int hotSkus = options.integer("hotSkus", 0);
        int stocked = hotSkus > 0 ? hotSkus : skus;
        return new Workload(
                options.text("runId", "b" + Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36)),
                options.integer("customers", 200),
                skus,
                hotSkus,
                options.integer("regions", 4),
                options.decimal("refusedShare", 0.1),
                // every ordered unit must exist: a sold-out SKU would turn the run into refusals
                Math.max(10, (int) Math.ceil(expectedOrders * 1.2 / stocked)),
                1_999);
    }

    /** Where the seeding requests go: the participants' APIs, or the coordinator's. */
    record Endpoints(URI accounts, URI skus, URI carriers) {
        static Endpoints of(URI all) {
            return new Endpoints(all, all, all);
        }
    }

    /** An order as the generator sends it, and what it expects to happen to it. */
    record Order(String key, Map<String, Object> body, boolean expectRefusal) {}

    void seed(Http http, Endpoints to, Progress progress) {
        int stocked = hotSkus > 0 ? hotSkus : skus;
        progress.say(
                "seeding %d customers, %d SKUs × %d units, %d regions (run %s) ...",
                customers + 1, stocked, unitsPerSku, regions, runId);
        for (int c = 0; c < customers; c++) {
            openAccount(http, to.accounts(), customer(c), 1_000_000_000_000L);
        }
        openAccount(http, to.accounts(), declinedCustomer(), 0);
        for (int s = 0; s < stocked; s++) {
            for (int left = unitsPerSku; left > 0; left -= UNITS_PER_REQUEST) {
                http.postAndWait(
                        to.skus().resolve("/api/skus/" + sku(s) + "/units"),
                        Map.of(
                                "count", Math.min(left, UNITS_PER_REQUEST),
                                "unitPrice", Map.of("amountMinor", unitPrice, "currency", CURRENCY)));
            }
            progress.tick("stocked", s + 1, stocked);
        }
        for (int r = 0; r < regions; r++) {
            http.postAndWait(
                    to.carriers().resolve("/api/carriers"),
                    Map.of("name", runId + " carrier " + r, "regions", List.of(region(r)), "dailyCapacity", 100_000),
                    409);
        }
    }

    Order next() {
        var random = ThreadLocalRandom.current();
        int c = random.nextInt(customers);
        String customer = customer(c);
        String sku = sku(random.nextInt(hotSkus > 0 ? hotSkus : skus));
        boolean refused = random.nextDouble() < refusedShare;
        if (refused && random.nextBoolean()) {
            customer = declinedCustomer();
        } else if (refused) {
            sku = runId + "-unstocked";
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("customerId", customer);
        body.put("lines", List.of(Map.of("sku", sku, "quantity", 1, "unitPrice", unitPrice)));
        body.put("currency", CURRENCY);
        body.put(
                "shippingAddress",
                Map.of(
                        "country", "DE",
                        "region", region(c % regions),
                        "city", "Berlin",
                        "line1", "Benchstraße " + c,
                        "postalCode", "10115"));
        body.put("email", customer + "@example.com");
        return new Order(UUID.randomUUID().toString(), body, refused);
    }

    private static void openAccount(Http http, URI accounts, String customer, long creditLimit) {
        http.postAndWait(
                accounts.resolve("/api/accounts"),
                Map.of("customerId", customer, "currency", CURRENCY, "creditLimit", creditLimit),
                409);
    }

    private String customer(int index) {
        return runId + "-c" + index;
    }

    private String declinedCustomer() {
        return runId + "-declined";
    }

    private String sku(int index) {
        return runId + "-sku" + index;
    }

    private String region(int index) {
        return runId + "-r" + index;
    }
}
