package io.sagaline.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaline.testing.ApiClient;
import io.sagaline.testing.Doors;
import io.sagaline.testing.Doors.Door;
import io.sagaline.testing.TestAccounts;
import io.sagaline.web.ClientRequests;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The access rules every service shares, on a small application over real HTTP. */
class AccessTest {

    private final List<ConfigurableApplicationContext> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void opensEachChangeOnlyToTheAccountMeantForIt() {
        ApiClient api = start(TestAccounts.properties());

        Doors.assertOpensOnlyTo(api, new Door("/api/things", "{\"name\": \"a\"}"), TestAccounts.OPERATOR);
        Doors.assertOpensOnlyTo(api, new Door("/api/orders", "{\"name\": \"b\"}"), TestAccounts.CLIENT);

        assertThat(Things.made).hasValue(2);
    }

    @Test
    void letsTheOperatorPlaceOrdersToo() {
        ApiClient api = start(TestAccounts.properties());

        var placed = api.post("/api/orders", "{\"name\": \"c\"}", TestAccounts.header(TestAccounts.OPERATOR));

        assertThat(placed.status()).isEqualTo(201);
    }

    @Test
    void leavesReadsOpenUnlessToldToAskForAnAccount() {
        ApiClient open = start(TestAccounts.properties());
        var properties = new java.util.HashMap<>(TestAccounts.properties());
        properties.put("sagaline.security.reads", "viewer");
        ApiClient guarded = start(properties);

        assertThat(open.get("/api/things").status()).isEqualTo(200);
        assertThat(guarded.get("/api/things").status()).isEqualTo(401);
        for (var account : List.of(TestAccounts.VIEWER, TestAccounts.CLIENT, TestAccounts.OPERATOR)) {
            assertThat(guarded.as(account).get("/api/things").status())
                    .as(account.user())
                    .isEqualTo(200);
        }
        assertThat(guarded.get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void isReadOnlyWithoutAnOperatorPassword() {
        ApiClient api = start(Map.of());

        var refused = api.post("/api/things", "{\"name\": \"d\"}", ApiClient.basic("operator", ""));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(api.get("/api/things").status()).isEqualTo(200);
    }

    @Test
    void takesABcryptHashAsThePassword() {
        String hash =
                "{bcrypt}" + new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4).encode("s3cret");
        ApiClient api = start(Map.of("sagaline.security.operator.password", hash));

        assertThat(api.post("/api/things", "{\"name\": \"e\"}", ApiClient.basic("operator", "s3cret"))
                        .status())
                .isEqualTo(201);
        assertThat(api.post("/api/things", "{\"name\": \"e\"}", ApiClient.basic("operator", hash))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void refusesToStartWithAHashItCannotCheckOrTwoAccountsOfOneName() {
        assertThatThrownBy(() -> start(Map.of("sagaline.security.operator.password", "{noop}plain")))
                .hasStackTraceContaining("sagaline.security.operator.password starts with {noop}");
        assertThatThrownBy(() -> start(Map.of(
                        "sagaline.security.operator.password", "a",
                        "sagaline.security.viewer.password", "b",
                        "sagaline.security.viewer.username", "operator")))
                .hasStackTraceContaining("have the same username 'operator'");
    }

    @Test
    void refusesTextHoldingANulCharacterAsMalformed() {
        ApiClient api = start(TestAccounts.properties()).as(TestAccounts.OPERATOR);

        var refused = api.post("/api/things", "{\"name\": \"nul\\u0000inside\"}", Map.of());
        var taken = api.post("/api/things", "{\"name\": \"\\u00e9t\\u00e9 \\ud83e\\uddfe\"}", Map.of());

        assertThat(refused.status()).isEqualTo(400);
        assertThat(taken.status()).isEqualTo(201);
        assertThat(taken.json().get("name").asString()).isEqualTo("été 🧾");
        assertThat(Things.made).hasValue(1);
    }

    @Test
    void refusesABodyOverTheLimitBeforeReadingIt() throws Exception {
        ApiClient api = start(TestAccounts.properties()).as(TestAccounts.OPERATOR);
        String large = "{\"name\": \"" + "x".repeat(70_000) + "\"}";

        var declared = api.post("/api/things", large, Map.of());
        int chunked = postChunked(api, large);

        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.contentType()).isEqualTo("application/problem+json");
        assertThat(chunked).isEqualTo(400);
        assertThat(Things.made).hasValue(0);
    }

    private int postChunked(ApiClient api, String body) throws Exception {
        URI uri = URI.create(base + "/api/things");
        // A body of unknown length: the client streams it chunked, without Content-Length.
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .headers(
                        "Authorization",
                        TestAccounts.header(TestAccounts.OPERATOR).get("Authorization"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> (InputStream) new ByteArrayInputStream(body.getBytes())))
                .build();
        return HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String base = "";

    private ApiClient start(Map<String, String> properties) {
        Things.made.set(0);
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off"));
        properties.forEach((name, value) -> args.add("--" + name + "=" + value));
        ConfigurableApplicationContext context =
                new SpringApplicationBuilder(Things.class).run(args.toArray(String[]::new));
        started.add(context);
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        base = "http://127.0.0.1:" + port;
        return new ApiClient(base);
    }

    record Thing(String name) {}

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @RestController
    static class Things {

        static final AtomicInteger made = new AtomicInteger();

        @Bean
        ClientRequests orders() {
            return ClientRequests.post("/api/orders");
        }

        @GetMapping("/api/things")
        List<Thing> list() {
            return List.of();
        }

        @PostMapping("/api/things")
        ResponseEntity<Thing> make(@RequestBody Thing thing) {
            made.incrementAndGet();
            return ResponseEntity.status(201).body(thing);
        }

        @PostMapping("/api/orders")
        ResponseEntity<Thing> order(@RequestBody Thing thing) {
            made.incrementAndGet();
            return ResponseEntity.status(201).body(thing);
        }
    }
}
