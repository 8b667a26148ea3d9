package io.sagaline.payment.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.payment.PaymentApplication;
import io.sagaline.testing.ApiClient;
import io.sagaline.testing.Doors;
import io.sagaline.testing.Doors.Door;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.ProblemContract;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The setup and inspection API over HTTP, on the real database. */
@SpringBootTest(classes = PaymentApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AccountApiIT {

    private static final String TOPIC = "account-api-it-" + UUID.randomUUID();
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static TestDatabase database;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.postgres().createDatabase(PostgresServer.uniqueName("account_api_it"));
    }

    @AfterAll
    static void dropDatabase() {
        TestInfrastructure.postgres().dropDatabase(database.name());
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestSetup.register(registry, database, TOPIC, TOPIC + ".replies");
        registry.add("sagaline.messaging.outbox.await-relay", () -> "false");
    }

    @Test
    void opensAnAccountAndShowsItsCredit() throws Exception {
        String customer = "dave-" + UUID.randomUUID();

        var created = post("/api/accounts", """
                {"customerId": "%s", "currency": "EUR", "creditLimit": 150000}""".formatted(customer));
        var shown = get("/api/accounts/" + customer);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/accounts/" + customer);
        assertThat(shown.statusCode()).isEqualTo(200);
        JsonNode account = JSON.readTree(shown.body());
        assertThat(account.get("customerId").asString()).isEqualTo(customer);
        assertThat(account.get("currency").asString()).isEqualTo("EUR");
        assertThat(account.get("creditLimit").asLong()).isEqualTo(150_000);
        assertThat(account.get("held").asLong()).isZero();
        assertThat(account.get("charged").asLong()).isZero();
        assertThat(account.get("available").asLong()).isEqualTo(150_000);
        assertThat(account.get("status").asString()).isEqualTo("ACTIVE");
        assertThat(account.get("holds").isArray()).isTrue();
    }

    @Test
    void refusesASecondAccountForTheSameCustomerWithConflict() throws Exception {
        String customer = "erin-" + UUID.randomUUID();
        String body = """
                {"customerId": "%s", "currency": "EUR", "creditLimit": %d}""";
        post("/api/accounts", body.formatted(customer, 100));

        // The same customer with another limit (the id is set apart: a random one may contain "100").
        var again = post("/api/accounts", body.formatted(customer, 999));

        assertProblem(again, 409);
        assertThat(accountCount()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM account WHERE credit_limit = 999")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void answersAnUnknownCustomerWithNotFound() throws Exception {
        assertProblem(get("/api/accounts/nobody-" + UUID.randomUUID()), 404);
    }

    @Test
    void refusesInvalidFieldsNamingEachAndWritesNothing() throws Exception {
        long before = accountCount();

        var response = post("/api/accounts", """
                {"customerId": "", "currency": "euro", "creditLimit": -1}""");

        JsonNode problem = assertProblem(response, 400);
        assertThat(problem.get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("creditLimit", "currency", "customerId", "customerId");
        assertThat(accountCount()).isEqualTo(before);
    }

    @Test
    void refusesMissingFields() throws Exception {
        JsonNode problem = assertProblem(post("/api/accounts", "{}"), 400);

        assertThat(problem.get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("creditLimit", "currency", "customerId");
    }

    @Test
    void refusesACurrencyThatIsNotIso4217() throws Exception {
        long before = accountCount();

        JsonNode problem = assertProblem(post("/api/accounts", """
                {"customerId": "frank", "currency": "XYZ", "creditLimit": 1}"""), 400);

        assertThat(problem.get("errors").findValuesAsString("field")).containsExactly("currency");
        assertThat(accountCount()).isEqualTo(before);
    }

    @Test
    void refusesAFractionalCreditLimitRatherThanRoundingIt() throws Exception {
        long before = accountCount();

        JsonNode problem = assertProblem(post("/api/accounts", """
                {"customerId": "grace", "currency": "EUR", "creditLimit": 10.5}"""), 400);

        assertThat(problem.get("errors").findValuesAsString("field")).containsExactly("creditLimit");
        assertThat(accountCount()).isEqualTo(before);
    }

    @Test
    void refusesMalformedJsonAsAProblem() throws Exception {
        long before = accountCount();

        assertProblem(post("/api/accounts", "{\"customerId\": "), 400);

        assertThat(accountCount()).isEqualTo(before);
    }

    @Test
    void answersEveryMistakeInTheSharedShape() {
        ApiClient api = new ApiClient("http://127.0.0.1:" + port).as(TestAccounts.OPERATOR);

        ProblemContract.assertBodyMistakes(api, "/api/accounts", """
                {"customerId": "frank", "currency": "EUR", "creditLimit": 10.5}""", "creditLimit", """
                {"customerId": "not an id!", "currency": "EUR", "creditLimit": 100}""", List.of("customerId"));
        ProblemContract.assertProblem(api.get("/api/accounts/nobody-" + UUID.randomUUID()), 404, "Account not found");
    }

    @Test
    void opensAnAccountOrFreezesOneOnlyForTheOperator() throws Exception {
        String customer = "ivan-" + UUID.randomUUID();
        ApiClient api = new ApiClient("http://127.0.0.1:" + port);
        Door open = new Door("/api/accounts", """
                {"customerId": "%s", "currency": "EUR", "creditLimit": 1000000}""".formatted(customer));
        Door freeze = new Door("/api/accounts/" + customer + "/freeze", null);

        assertThat(Doors.assertOpensOnlyTo(api, open, TestAccounts.OPERATOR).status())
                .isEqualTo(201);
        assertThat(Doors.assertOpensOnlyTo(api, freeze, TestAccounts.OPERATOR).status())
                .isEqualTo(200);
        assertThat(jdbc.sql("SELECT count(*) FROM account WHERE customer_id = ?")
                        .param(customer)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void freezesAnAccount() throws Exception {
        String customer = "heidi-" + UUID.randomUUID();
        post("/api/accounts", """
                {"customerId": "%s", "currency": "EUR", "creditLimit": 1}""".formatted(customer));

        var frozen = post("/api/accounts/" + customer + "/freeze", "");

        assertThat(frozen.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(get("/api/accounts/" + customer).body())
                        .get("status")
                        .asString())
                .isEqualTo("FROZEN");
    }

    private JsonNode assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith(PROBLEM_JSON));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        return problem;
    }

    private long accountCount() {
        return jdbc.sql("SELECT count(*) FROM account").query(Long.class).single();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", TestAccounts.authorization(TestAccounts.OPERATOR))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
