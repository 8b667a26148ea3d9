package io.sagaline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.testing.ApiClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fuzz of every order and setup endpoint with hostile bodies ({@link JsonFuzz}): whatever comes
 * in, the answer is a 2xx or a 4xx problem+json, never a 5xx, and only what was accepted is
 * written. Prints how many requests each endpoint was tried with (docs/e2e.md).
 */
class HostileRequestsIT {

    private static final long SEED = Long.getLong("sagaline.fuzz.seed", 20261204L);
    private static final int PER_ENDPOINT = Integer.getInteger("sagaline.fuzz.requests", 150);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Sagaline system;

    @BeforeAll
    static void start() {
        system = Sagaline.start("hostile-requests");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    /** One endpoint: where it is, a valid body for request {@code i}, and what an accepted one writes. */
    private record Endpoint(
            String name,
            Service service,
            IntFunction<String> path,
            IntFunction<Map<String, Object>> valid,
            String rows,
            ToLongFunction<JsonNode> rowsPerAccepted) {}

    /** What the fuzz of one endpoint saw. */
    private record Tally(
            String endpoint, int tried, int accepted, Map<Integer, Integer> refused, Map<String, Integer> kinds) {}

    @Test
    void answersEveryHostileBodyWithA4xxProblemAndWritesOnlyWhatItAccepted() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Endpoint> endpoints = List.of(
                new Endpoint(
                        "POST /api/orders",
                        Service.ORCHESTRATOR,
                        i -> "/api/orders",
                        i -> Shop.orderBody("fuzz-" + run + "-" + i, "BOOK-1", 1, 1999, "EUR", Shop.NORTH),
                        "SELECT count(*) FROM saga_instance",
                        accepted -> 1),
                new Endpoint(
                        "POST /api/accounts",
                        Service.PAYMENT,
                        i -> "/api/accounts",
                        i -> Map.of("customerId", "fuzz-" + run + "-" + i, "currency", "EUR", "creditLimit", 100_000),
                        "SELECT count(*) FROM account",
                        accepted -> 1),
                new Endpoint(
                        "POST /api/skus/{sku}/units",
                        Service.INVENTORY,
                        i -> "/api/skus/FUZZ-" + run + "-" + (i % 7) + "/units",
                        i -> Map.of("count", 3, "unitPrice", Map.of("amountMinor", 250, "currency", "EUR")),
                        "SELECT count(*) FROM unit",
                        accepted -> accepted.get("count").asLong()),
                new Endpoint(
                        "POST /api/carriers",
                        Service.SHIPMENT,
                        i -> "/api/carriers",
                        i -> Map.of(
                                "name", "fuzz-" + run + "-" + i, "regions", List.of("fuzz-" + run), "dailyCapacity", 5),
                        "SELECT count(*) FROM carrier",
                        accepted -> 1));

        JsonFuzz fuzz = new JsonFuzz(SEED);
        List<Tally> tallies = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            ApiClient api = system.api(endpoint.service());
            JdbcClient jdbc = JdbcClient.create(system.dataSource(endpoint.service()));
            long rowsBefore = jdbc.sql(endpoint.rows()).query(Long.class).single();
            long expectedRows = 0;
            int accepted = 0;
            Map<Integer, Integer> refused = new TreeMap<>();
            Map<String, Integer> kinds = new TreeMap<>();
            for (int i = 0; i < PER_ENDPOINT; i++) {
                JsonFuzz.Variant variant = fuzz.next(endpoint.valid().apply(i));
                kinds.merge(variant.kind(), 1, Integer::sum);
                ApiClient.Response answer = api.post(
                        endpoint.path().apply(i),
                        variant.body(),
                        Map.of("Idempotency-Key", UUID.randomUUID().toString()));
                String seen = endpoint.name() + " with " + variant.kind() + " answered " + answer.status() + ": "
                        + abbreviated(answer.body()) + " to " + abbreviated(variant.body());
                if (answer.status() >= 200 && answer.status() < 300) {
                    accepted++;
                    expectedRows += endpoint.rowsPerAccepted().applyAsLong(JSON.readTree(variant.body()));
                } else if (answer.status() >= 400 && answer.status() < 500) {
                    refused.merge(answer.status(), 1, Integer::sum);
                    if (!"application/problem+json".equals(answer.contentType())
                            || answer.json().path("status").asInt() != answer.status()) {
                        failures.add("not a problem+json: " + seen);
                    }
                } else {
                    failures.add(seen);
                }
            }
            long written = jdbc.sql(endpoint.rows()).query(Long.class).single() - rowsBefore;
            if (written != expectedRows) {
                failures.add(endpoint.name() + " wrote " + written + " rows for " + accepted
                        + " accepted requests, which call for " + expectedRows);
            }
            tallies.add(new Tally(endpoint.name(), PER_ENDPOINT, accepted, refused, kinds));
        }

        print(tallies);
        assertThat(failures).isEmpty();
        assertThat(tallies).allSatisfy(tally -> {
            assertThat(tally.refused().values().stream()
                            .mapToInt(Integer::intValue)
                            .sum())
                    .as(tally.endpoint() + " refused")
                    .isGreaterThan(tally.tried() / 2);
            assertThat(tally.accepted()).as(tally.endpoint() + " accepted").isPositive();
        });
    }

    private static void print(List<Tally> tallies) {
        StringBuilder table = new StringBuilder("\nHostile requests (seed " + SEED + "):\n");
        table.append("| endpoint | tried | accepted (2xx) | refused (4xx, by status) | 5xx |\n|---|---|---|---|---|\n");
        Map<String, Integer> kinds = new LinkedHashMap<>();
        for (Tally tally : tallies) {
            table.append("| ")
                    .append(tally.endpoint())
                    .append(" | ")
                    .append(tally.tried())
                    .append(" | ")
                    .append(tally.accepted())
                    .append(" | ")
                    .append(tally.refused())
                    .append(" | 0 |\n");
            tally.kinds().forEach((kind, count) -> kinds.merge(kind, count, Integer::sum));
        }
        table.append("Bodies by kind: ").append(kinds).append('\n');
        System.out.println(table);
    }

    private static String abbreviated(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "… (" + text.length() + " chars)";
    }
}
