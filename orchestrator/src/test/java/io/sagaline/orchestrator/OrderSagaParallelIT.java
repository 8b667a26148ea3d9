package io.sagaline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReservationFailed;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentScheduled;
import io.sagaline.testing.ApiClient;
import io.sagaline.testing.TestAccounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Version 2 of the order saga, the default, through real PostgreSQL, Kafka and the outbox relay
 * against stand-in participants: the independent steps go out together, a failed member undoes only
 * what succeeded, and the admin API shows a group's members side by side. Every interleaving is
 * covered without a broker in {@code OrderSagaParallelTest}.
 */
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class OrderSagaParallelIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static TestRun run;
    private static RelayedRun system;
    private static StandInParticipants standIns;

    @LocalServerPort
    int port;

    private ApiClient api;

    @BeforeAll
    static void startRelay() {
        system = RelayedRun.start("order-saga-parallel-it");
        run = system.run();
        standIns = system.standIns();
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        run.register(registry);
    }

    @BeforeEach
    void client() {
        api = new ApiClient("http://127.0.0.1:" + port).as(TestAccounts.CLIENT);
    }

    @Test
    void sendsTheIndependentStepsTogetherAndShowsThemSideBySide() {
        SagaId saga = place(customer());

        JsonNode finished = awaitStatus(saga, "COMPLETED");

        assertThat(finished.get("definitionVersion").asInt()).isEqualTo(2);
        List<String> types = standIns.types(saga);
        assertThat(types.subList(0, 3))
                .containsExactlyInAnyOrder("AuthorizePayment", "ReserveInventory", "ScheduleShipment");
        assertThat(types.get(3)).isEqualTo("CapturePayment");
        assertThat(types.subList(4, 6)).containsExactlyInAnyOrder("AllocateInventory", "SendOrderConfirmation");
        List<JsonNode> spans = finished.get("steps").valueStream().toList();
        assertThat(spans)
                .hasSize(6)
                .allSatisfy(span -> assertThat(span.get("durationMs").asLong()).isNotNegative());
        assertThat(spans)
                .extracting(span ->
                        span.get("name").asString() + "@" + span.path("group").asString("alone"))
                .containsExactlyInAnyOrder(
                        "authorize payment@1",
                        "reserve inventory@1",
                        "schedule shipment@1",
                        "capture payment@alone",
                        "allocate inventory@5",
                        "send order confirmation@5");
        assertThat(spans.stream().filter(span -> span.path("group").asInt(-1) == 1))
                .extracting(span -> span.get("startMs").asLong())
                .as("the members' commands went out in one transaction")
                .containsOnly(spans.getFirst().get("startMs").asLong());
        assertThat(total("/api/sagas?version=2&size=200")).isPositive();
        assertThat(api.get("/api/sagas?version=1&size=200").json().get("items").valueStream())
                .noneMatch(item -> item.get("sagaId").asString().equals(saga.toString()));
    }

    @Test
    void undoesOnlyTheMembersThatSucceededWhenOneFails() {
        String customer = customer();
        standIns.script(
                customer,
                StandInParticipants.SUCCEED.on(
                        ReserveInventory.class,
                        reserve -> new InventoryReservationFailed(reserve.orderId(), "BOOK-1 out of stock")));

        SagaId saga = place(customer);
        JsonNode finished = awaitStatus(saga, "COMPENSATED");

        assertThat(standIns.types(saga).subList(3, 5)).containsExactly("CancelShipment", "VoidAuthorization");
        assertThat(standIns.types(saga)).hasSize(5).doesNotContain("ReleaseInventory");
        assertThat(finished.get("reason").asString()).startsWith("reserve inventory failed");
        assertThat(entries(finished)).contains("MEMBER_SETTLED", "COMPENSATION_STARTED");
    }

    @Test
    void showsWhereEachMemberStandsWhileOneIsAwaited() {
        String customer = customer();
        standIns.script(customer, StandInParticipants.SUCCEED.silentOn(ScheduleShipment.class));
        SagaId saga = place(customer);

        JsonNode waiting = await().atMost(WAIT)
                .until(
                        () -> saga(saga),
                        json -> json.get("members")
                                        .valueStream()
                                        .filter(member ->
                                                member.get("phase").asString().equals("SUCCEEDED"))
                                        .count()
                                == 2);

        assertThat(waiting.get("members").valueStream())
                .extracting(member -> member.get("name").asString() + ": "
                        + member.get("phase").asString())
                .containsExactly(
                        "authorize payment: SUCCEEDED", "reserve inventory: SUCCEEDED", "schedule shipment: AWAITING");
        assertThat(waiting.get("currentStep").get("name").asString()).isEqualTo("authorize payment");
        assertThat(total("/api/sagas?step=schedule%20shipment&status=RUNNING&size=200"))
                .as("a member's name finds the sagas on its group")
                .isPositive();

        var schedule = standIns.received(saga).stream()
                .filter(command -> command.payload() instanceof ScheduleShipment)
                .findFirst()
                .orElseThrow();
        standIns.reply(
                schedule,
                new ShipmentScheduled(
                        ((ScheduleShipment) schedule.payload()).orderId(), UUID.randomUUID(), "stand-in", "TRK-9"));
        JsonNode finished = awaitStatus(saga, "COMPLETED");
        assertThat(finished.get("members").valueStream()).isEmpty();
    }

    private SagaId place(String customer) {
        ApiClient.Response placed =
                api.post("/api/orders", ApiClient.json(Orders.order(customer)), Map.of("Idempotency-Key", customer));
        assertThat(placed.status()).as(placed.body()).isEqualTo(202);
        return SagaId.of(placed.json().get("sagaId").asString());
    }

    private long total(String path) {
        ApiClient.Response response = api.get(path);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("totalItems").asLong();
    }

    private JsonNode awaitStatus(SagaId saga, String status) {
        return await().atMost(WAIT)
                .until(() -> saga(saga), json -> json.get("status").asString().equals(status));
    }

    private JsonNode saga(SagaId saga) {
        ApiClient.Response response = api.get("/api/sagas/" + saga);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static List<String> entries(JsonNode saga) {
        return saga.get("timeline")
                .valueStream()
                .map(entry -> entry.get("entry").asString())
                .toList();
    }

    private static String customer() {
        return "customer-" + UUID.randomUUID();
    }
}
