package io.sagaline.shipment.internal;

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
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sagaline.messaging.outbox.await-relay=false",
            "sagaline.messaging.topics.create=false",
            "spring.kafka.listener.auto-startup=false"
        })
class ShipmentApiIT {

    static TestDatabase database;
    final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.postgres().createDatabase(PostgresServer.uniqueName("shipment"));
    }

    @AfterAll
    static void dropDatabase() {
        TestInfrastructure.postgres().dropDatabase(database.name());
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServiceProperties.connect(registry, database);
    }

    @Test
    void answersEveryMistakeInTheSharedShape() {
        ApiClient api = new ApiClient("http://127.0.0.1:" + port).as(TestAccounts.OPERATOR);

        ProblemContract.assertBodyMistakes(
                api, "/api/carriers", """
                {"name": "Contract Post", "regions": ["north"], "dailyCapacity": "many"}""", "dailyCapacity", """
                {"name": " ", "regions": ["north"], "dailyCapacity": 0}""", List.of("dailyCapacity", "name"));
        ProblemContract.assertParameterMistakes(api, "/api/shipments", "/api/shipments?orderId=not-a-uuid", "orderId");
    }

    @Test
    void registersACarrierOnlyForTheOperator() throws Exception {
        int before = carriers();
        Door register = new Door("/api/carriers", """
                {"name": "carrier-%s", "regions": ["north"], "dailyCapacity": 1000}""".formatted(UUID.randomUUID()));

        var registered =
                Doors.assertOpensOnlyTo(new ApiClient("http://127.0.0.1:" + port), register, TestAccounts.OPERATOR);

        assertThat(registered.status()).isEqualTo(201);
        assertThat(carriers()).isEqualTo(before + 1);
    }

    @Test
    void registersACarrierAndListsIt() throws Exception {
        String name = "carrier-" + UUID.randomUUID();
        var created = post("/api/carriers", """
                {"name": "%s", "regions": ["north", "central", "north"], "dailyCapacity": 7}
                """.formatted(name));

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).startsWith("/api/carriers/"));
        assertThat(created.body())
                .contains("\"regions\":[\"central\",\"north\"]")
                .contains("\"dailyCapacity\":7");
        assertThat(get("/api/carriers").body()).contains(name);
    }

    @Test
    void rejectsAnInvalidCarrierWithFieldDetailsAndWritesNothing() throws Exception {
        int before = carriers();
        var response = post("/api/carriers", """
                {"name": " ", "regions": ["north", ""], "dailyCapacity": 0}
                """);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body())
                .contains("\"errors\"")
                .contains("\"field\":\"name\"")
                .contains("\"field\":\"regions[1]\"")
                .contains("\"field\":\"dailyCapacity\"");
        assertThat(carriers()).isEqualTo(before);
    }

    @Test
    void rejectsACarrierWithoutRegionsOrCapacity() throws Exception {
        var response = post("/api/carriers", """
                {"name": "carrier-%s", "regions": []}
                """.formatted(UUID.randomUUID()));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"field\":\"regions\"").contains("\"field\":\"dailyCapacity\"");
    }

    @Test
    void rejectsMalformedJsonAsProblem() throws Exception {
        int before = carriers();
        var response = post("/api/carriers", "{\"name\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(carriers()).isEqualTo(before);
    }

    @Test
    void rejectsASecondCarrierOfTheSameNameAsConflict() throws Exception {
        String body = """
                {"name": "carrier-%s", "regions": ["north"], "dailyCapacity": 3}
                """.formatted(UUID.randomUUID());
        assertThat(post("/api/carriers", body).statusCode()).isEqualTo(201);
        int before = carriers();

        var response = post("/api/carriers", body);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(carriers()).isEqualTo(before);
    }

    @Test
    void requiresAnOrderIdThatIsAUuidToListShipments() throws Exception {
        var missing = get("/api/shipments");
        var notUuid = get("/api/shipments?orderId=42");

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(missing.body()).contains("\"field\":\"orderId\"");
        assertThat(notUuid.statusCode()).isEqualTo(400);
        assertThat(notUuid.body()).contains("\"field\":\"orderId\"");
    }

    @Test
    void listsNoShipmentsForAnUnknownOrder() throws Exception {
        var response = get("/api/shipments?orderId=" + UUID.randomUUID());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("[]");
    }

    private int carriers() {
        return jdbc.sql("SELECT count(*) FROM carrier").query(Integer.class).single();
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", TestAccounts.authorization(TestAccounts.OPERATOR))
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
