package io.sagaline.inventory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.testing.ApiClient;
import io.sagaline.testing.Doors;
import io.sagaline.testing.Doors.Door;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.ProblemContract;
import io.sagaline.testing.ServiceProperties;
import io.sagaline.testing.TestAccounts;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SkuApiIT {

    private static final String PROBLEM_JSON = "application/problem+json";
    private static TestDatabase database;

    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    Environment environment;

    @Autowired
    JsonMapper json;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.postgres().createDatabase(PostgresServer.uniqueName("inventory"));
    }

    @AfterAll
    static void dropDatabase() {
        TestInfrastructure.postgres().dropDatabase(database.name());
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServiceProperties.connect(registry, database);
        registry.add("spring.kafka.listener.auto-startup", () -> "false");
        registry.add("sagaline.messaging.outbox.await-relay", () -> "false");
        registry.add("sagaline.inventory.expiry-interval", () -> "1h");
    }

    @Test
    void answersEveryMistakeInTheSharedShape() {
        ApiClient api = new ApiClient(uri("").toString()).as(TestAccounts.OPERATOR);

        ProblemContract.assertBodyMistakes(
                api, "/api/skus/CONTRACT-1/units", """
                {"count": "many", "unitPrice": {"amountMinor": 100, "currency": "EUR"}}""", "count", """
                {"count": 0, "unitPrice": {"amountMinor": -1, "currency": "EUR"}}""", List.of("count", "unitPrice.amountMinor"));
        ProblemContract.assertProblem(api.get("/api/skus/NO-SUCH-SKU"), 404, "Unknown SKU");
    }

    @Test
    void addsUnitsOnlyForTheOperator() throws Exception {
        String sku = sku();
        Door stock = new Door("/api/skus/" + sku + "/units", """
                {"count": 1000, "unitPrice": {"amountMinor": 1, "currency": "EUR"}}""");

        var added = Doors.assertOpensOnlyTo(new ApiClient(uri("").toString()), stock, TestAccounts.OPERATOR);

        assertThat(added.status()).isEqualTo(201);
        assertThat(body(get(sku)).path("available").asLong()).isEqualTo(1000);
    }

    @Test
    void addsUnitsAndReportsTheSkuCounts() throws Exception {
        String sku = sku();

        var created = post(sku, """
                {"count": 3, "unitPrice": {"amountMinor": 1999, "currency": "EUR"}}""");
        post(sku, """
                {"count": 2, "unitPrice": {"amountMinor": 2100, "currency": "EUR"}}""");
        var read = get(sku);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).contains("/api/skus/" + sku);
        assertThat(body(created).path("available").asLong()).isEqualTo(3);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(body(read))
                .isEqualTo(json.readTree("{\"sku\":\"" + sku + "\",\"available\":5,\"reserved\":0,\"allocated\":0}"));
    }

    @Test
    void answersAnUnknownSkuWithNotFoundProblem() throws Exception {
        var response = get(sku());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith(PROBLEM_JSON));
        assertThat(body(response).path("status").asInt()).isEqualTo(404);
    }

    @Test
    void rejectsInvalidFieldsWithTheirDetailsAndWritesNothing() throws Exception {
        String sku = sku();

        var response = post(sku, """
                {"count": 0, "unitPrice": {"amountMinor": -1, "currency": "EURO"}}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith(PROBLEM_JSON));
        assertThat(body(response).path("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("count", "unitPrice.amountMinor", "unitPrice.currency");
        assertNothingWritten(sku);
    }

    @Test
    void rejectsMissingFieldsAndTooManyUnits() throws Exception {
        String sku = sku();

        var response = post(sku, """
                {"count": 10001}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).path("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("count", "unitPrice");
        assertNothingWritten(sku);
    }

    @Test
    void rejectsMalformedJsonAsProblem() throws Exception {
        String sku = sku();

        var response = post(sku, "{\"count\": 3, ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith(PROBLEM_JSON));
        assertNothingWritten(sku);
    }

    @Test
    void rejectsAFractionalAmountInsteadOfTruncatingIt() throws Exception {
        String sku = sku();

        var response = post(sku, """
                {"count": 1, "unitPrice": {"amountMinor": 19.99, "currency": "EUR"}}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).path("errors").findValuesAsString("field")).containsExactly("unitPrice.amountMinor");
        assertNothingWritten(sku);
    }

    @Test
    void rejectsAnInvalidSkuInThePath() throws Exception {
        var response = post("bad%20sku!", """
                {"count": 1, "unitPrice": {"amountMinor": 100, "currency": "EUR"}}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).path("errors").findValuesAsString("field")).containsExactly("sku");
        assertThat(jdbc.sql("SELECT count(*) FROM sku").query(Long.class).single())
                .isEqualTo(jdbc.sql("SELECT count(*) FROM sku WHERE sku <> 'bad sku!'")
                        .query(Long.class)
                        .single());
    }

    private void assertNothingWritten(String sku) throws Exception {
        assertThat(get(sku).statusCode()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM unit WHERE sku = ?")
                        .param(sku)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private HttpResponse<String> post(String sku, String body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(uri("/api/skus/" + sku + "/units"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", TestAccounts.authorization(TestAccounts.OPERATOR))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String sku) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(uri("/api/skus/" + sku)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(HttpResponse<String> response) {
        return json.readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path);
    }

    private static String sku() {
        return "SKU-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
