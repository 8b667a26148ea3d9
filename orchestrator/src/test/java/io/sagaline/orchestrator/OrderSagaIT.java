package io.sagaline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReservationFailed;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReserved;
import io.sagaline.messaging.contract.InventoryMessages.ReleaseInventory;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationFailed;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationSent;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationUndeliverable;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptureFailed;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentFailed;
import io.sagaline.testing.ApiClient;
import io.sagaline.testing.MutableClock;
import io.sagaline.testing.TestAccounts;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The order saga through real PostgreSQL, Kafka and the outbox relay, against stand-in
 * participants: each step's outcomes, compensation in reverse order, timeouts, retries, late and
 * duplicate replies, and an operator settling a failed compensation. Time is a {@link MutableClock}
 * so that timeouts and backoffs pass on demand.
 */
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(OrderSagaIT.Clocks.class)
@DirtiesContext
class OrderSagaIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static TestRun run;
    private static RelayedRun system;
    private static StandInParticipants standIns;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    private ApiClient api;

    @BeforeAll
    static void startRelay() {
        system = RelayedRun.start("order-saga-it");
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
        // The step-by-step expectations here are version 1's; OrderSagaParallelIT runs version 2.
        registry.add("sagaline.orchestrator.start-versions.order", () -> "1");
    }

    @BeforeEach
    void client() {
        api = new ApiClient("http://127.0.0.1:" + port).as(TestAccounts.CLIENT);
    }

    @Test
    void completesAnOrderWhenEveryParticipantAgrees() {
        String customer = customer();
        ApiClient.Response placed =
                api.post("/api/orders", ApiClient.json(Orders.order(customer)), Map.of("Idempotency-Key", customer));

        assertThat(placed.status()).isEqualTo(202);
        SagaId saga = SagaId.of(placed.json().get("sagaId").asString());
        assertThat(placed.header("Location")).isEqualTo("/api/sagas/" + saga);
        JsonNode finished = awaitStatus(saga, "COMPLETED");

        assertThat(standIns.types(saga))
                .containsExactly(
                        "AuthorizePayment",
                        "ReserveInventory",
                        "ScheduleShipment",
                        "CapturePayment",
                        "AllocateInventory",
                        "SendOrderConfirmation");
        assertThat(standIns.received(saga))
                .extracting(command -> command.envelope().idempotencyKey())
                .containsExactly(
                        saga + ":1:forward",
                        saga + ":2:forward",
                        saga + ":3:forward",
                        saga + ":4:forward",
                        saga + ":5:forward",
                        saga + ":6:forward");
        CapturePayment capture = (CapturePayment) standIns.received(saga).get(3).payload();
        assertThat(capture.amount().amountMinor()).isEqualTo(3399);
        assertThat(entries(finished))
                .startsWith("STARTED", "LOCAL_STEP", "COMMAND_SENT")
                .endsWith("COMPLETED");
        JsonNode order = api.get("/api/orders/" + placed.json().get("orderId").asString())
                .json();
        assertThat(order.get("status").asString()).isEqualTo("APPROVED");
        assertThat(order.get("total").get("amountMinor").asLong()).isEqualTo(3399);
    }

    @Test
    void rejectsTheOrderWhenPaymentIsDeclined() {
        String customer = customer();
        standIns.script(
                customer,
                StandInParticipants.SUCCEED.on(
                        AuthorizePayment.class, authorize -> new PaymentDeclined(authorize.orderId(), "no credit")));

        Placed placed = place(customer);
        awaitStatus(placed.saga(), "COMPENSATED");

        assertThat(standIns.types(placed.saga())).containsExactly("AuthorizePayment");
        assertOrderRejected(placed, "authorize payment failed");
    }

    @Test
    void voidsThePaymentWhenInventoryIsShort() {
        String customer = customer();
        standIns.script(
                customer,
                StandInParticipants.SUCCEED.on(
                        ReserveInventory.class,
                        reserve -> new InventoryReservationFailed(reserve.orderId(), "BOOK-1 out of stock")));

        Placed placed = place(customer);
        awaitStatus(placed.saga(), "COMPENSATED");

        assertThat(standIns.types(placed.saga()))
                .containsExactly("AuthorizePayment", "ReserveInventory", "VoidAuthorization");
        assertOrderRejected(placed, "reserve inventory failed");
    }

    @Test
    void undoesInventoryThenPaymentWhenNoCarrierShips() {
        String customer = customer();
        standIns.script(
                customer,
                StandInParticipants.SUCCEED.on(
                        ScheduleShipment.class, schedule -> new ShipmentFailed(schedule.orderId(), "no carrier")));

        Placed placed = place(customer);
        awaitStatus(placed.saga(), "COMPENSATED");

        assertThat(standIns.types(placed.saga()))
                .containsExactly(
                        "AuthorizePayment",
                        "ReserveInventory",
                        "ScheduleShipment",
                        "ReleaseInventory",
                        "VoidAuthorization");
        assertThat(standIns.received(placed.saga()))
                .extracting(command -> command.envelope().idempotencyKey())
                .endsWith(placed.saga() + ":2:compensate", placed.saga() + ":1:compensate");
        assertOrderRejected(placed, "schedule shipment failed");
    }

    @Test
    void undoesEveryEarlierStepWhenTheCaptureFails() {
        String customer = customer();
        standIns.script(
                customer,
                StandInParticipants.SUCCEED.on(
                        CapturePayment.class, capture -> new PaymentCaptureFailed(capture.orderId(), "hold expired")));

        Placed placed = place(customer);
        awaitStatus(placed.saga(), "COMPENSATED");

        assertThat(standIns.types(placed.saga()))
                .containsExactly(
                        "AuthorizePayment",
                        "ReserveInventory",
                        "ScheduleShipment",
                        "CapturePayment",
                        "CancelShipment",
                        "ReleaseInventory",
                        "VoidAuthorization");
        assertOrderRejected(placed, "capture payment failed");
    }

    @Test
    void compensatesAStepSilentPastItsPatienceAndIgnoresItsLateReply() {
        String customer = customer();
        standIns.script(customer, StandInParticipants.SUCCEED.silentOn(ReserveInventory.class));
        Placed placed = place(customer);
        StandInParticipants.Command reserve = awaitCommand(placed.saga(), "ReserveInventory");

        for (int attempt = 1; attempt <= 4; attempt++) {
            int sent = attempt;
            await().atMost(WAIT)
                    .until(() -> Collections.frequency(standIns.types(placed.saga()), "ReserveInventory") == sent);
            clock.advance(Duration.ofSeconds(31));
            await().atMost(WAIT).until(() -> Collections.frequency(entries(saga(placed.saga())), "TIMEOUT") == sent);
            clock.advance(Duration.ofSeconds(5)); // the resend's backoff
        }
        awaitStatus(placed.saga(), "COMPENSATED");
        // In doubt: the reservation may have happened, so it is released along with the payment.
        assertThat(standIns.types(placed.saga()))
                .containsExactly(
                        "AuthorizePayment",
                        "ReserveInventory",
                        "ReserveInventory",
                        "ReserveInventory",
                        "ReserveInventory",
                        "ReleaseInventory",
                        "VoidAuthorization");

        var reserved = (ReserveInventory) reserve.payload();
        standIns.reply(reserve, new InventoryReserved(reserved.orderId(), List.of(UUID.randomUUID())));
        JsonNode after = await().atMost(WAIT)
                .until(
                        () -> saga(placed.saga()),
                        saga -> entries(saga).getLast().equals("IGNORED"));

        assertThat(after.get("status").asString()).isEqualTo("COMPENSATED");
        assertThat(entries(after)).contains("TIMEOUT", "RETRY_SCHEDULED", "COMPENSATION_STARTED");
        assertThat(standIns.types(placed.saga())).hasSize(7);
        assertOrderRejected(placed, "timed out");
    }

    @Test
    void takesALateReplyToAnEarlierAttemptWhileTheResendWaits() {
        String customer = customer();
        standIns.script(customer, StandInParticipants.SUCCEED.silentOn(ReserveInventory.class));
        Placed placed = place(customer);
        StandInParticipants.Command reserve = awaitCommand(placed.saga(), "ReserveInventory");

        clock.advance(Duration.ofSeconds(31));
        JsonNode waiting = await().atMost(WAIT)
                .until(() -> saga(placed.saga()), saga -> entries(saga).contains("RETRY_SCHEDULED"));
        assertThat(entry(waiting, "RETRY_SCHEDULED").get("detail").asString())
                .contains("reserve inventory timed out", "sending it again within a patience of PT2M");
        assertThat(waiting.get("status").asString()).isEqualTo("RUNNING");

        standIns.script(customer, StandInParticipants.SUCCEED);
        standIns.reply(reserve, StandInParticipants.SUCCEED.answer(reserve));

        JsonNode done = awaitStatus(placed.saga(), "COMPLETED");
        assertThat(entries(done)).doesNotContain("COMPENSATION_STARTED", "IGNORED");
        assertThat(Collections.frequency(standIns.types(placed.saga()), "ReserveInventory"))
                .isEqualTo(1);
        assertThat(orderStatus(placed)).isEqualTo("APPROVED");
    }

    @Test
    void appliesAReplyDeliveredTwiceOnce() {
        String customer = customer();
        standIns.script(customer, StandInParticipants.SUCCEED.silentOn(AuthorizePayment.class));
        Placed placed = place(customer);
        StandInParticipants.Command authorize = awaitCommand(placed.saga(), "AuthorizePayment");

        var reply = standIns.reply(authorize, StandInParticipants.SUCCEED.answer(authorize));
        standIns.send(reply);
        awaitStatus(placed.saga(), "COMPLETED");

        JsonNode saga = saga(placed.saga());
        assertThat(standIns.types(placed.saga())).containsOnlyOnce("ReserveInventory");
        assertThat(entries(saga)).containsOnlyOnce("DUPLICATE_DELIVERY");
    }

    @Test
    void retriesTheConfirmationUnderTheSameKeyAfterTheMailServerFailed() {
        String customer = customer();
        var failedOnce = new AtomicBoolean();
        standIns.script(
                customer,
                StandInParticipants.SUCCEED.on(
                        SendOrderConfirmation.class,
                        confirm -> failedOnce.compareAndSet(false, true)
                                ? new OrderConfirmationFailed(confirm.orderId(), "SMTP down")
                                : new OrderConfirmationSent(confirm.orderId())));
        Placed placed = place(customer);
        await().atMost(WAIT).until(() -> entries(saga(placed.saga())).contains("RETRY_SCHEDULED"));
        // Paid: the order is approved while its mail still waits for the server.
        assertThat(orderStatus(placed)).isEqualTo("APPROVED");

        clock.advance(Duration.ofSeconds(2));
        awaitStatus(placed.saga(), "COMPLETED");

        List<StandInParticipants.Command> confirmations = standIns.received(placed.saga()).stream()
                .filter(command -> command.type().equals("SendOrderConfirmation"))
                .toList();
        assertThat(confirmations).hasSize(2);
        assertThat(confirmations)
                .extracting(command -> command.envelope().idempotencyKey())
                .containsOnly(placed.saga() + ":6:forward");
        assertThat(confirmations.get(0).envelope().messageId())
                .isNotEqualTo(confirmations.get(1).envelope().messageId());
        assertThat(orderStatus(placed)).isEqualTo("APPROVED");
    }

    @Test
    void waitsForAnOperatorWhenTheConfirmationMailCanNeverBeSent() {
        String customer = customer();
        standIns.script(
                customer,
                StandInParticipants.SUCCEED.on(
                        SendOrderConfirmation.class,
                        confirm -> new OrderConfirmationUndeliverable(
                                confirm.orderId(), "undeliverable: 550 5.1.1 no such mailbox")));
        Placed placed = place(customer);

        JsonNode failed = awaitStatus(placed.saga(), "COMPLETION_FAILED");

        assertThat(failed.get("lastError").asString()).contains("failed for good", "no such mailbox");
        assertThat(failed.get("deadline").isNull()).isTrue();
        assertThat(entries(failed))
                .contains("PIVOT_PASSED", "COMPLETION_FAILED")
                .doesNotContain("COMPENSATION_STARTED");
        assertThat(Collections.frequency(standIns.types(placed.saga()), "SendOrderConfirmation"))
                .isEqualTo(1);
        assertThat(orderStatus(placed)).as("paid: the order stands").isEqualTo("APPROVED");

        String resolve = ApiClient.json(Map.of("reason", "customer told by phone"));
        ApiClient.Response resolved = api.post(
                "/api/sagas/" + placed.saga() + "/resolve", resolve, TestAccounts.header(TestAccounts.OPERATOR));
        assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
        assertThat(resolved.json().get("status").asString()).isEqualTo("RESOLVED");
        assertThat(orderStatus(placed)).isEqualTo("APPROVED");
    }

    @Test
    void waitsForAnOperatorWhenACompensationKeepsFailing() {
        String customer = customer();
        standIns.script(
                customer,
                StandInParticipants.SUCCEED
                        .on(ScheduleShipment.class, schedule -> new ShipmentFailed(schedule.orderId(), "no carrier"))
                        .silentOn(ReleaseInventory.class));
        Placed placed = place(customer);
        awaitCommand(placed.saga(), "ReleaseInventory");

        JsonNode failed = await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> {
                            // Every timeout and every backoff of the release passes, up to its budget.
                            clock.advance(Duration.ofMinutes(3));
                            return saga(placed.saga());
                        },
                        saga -> saga.get("status").asString().equals("COMPENSATION_FAILED"));

        assertThat(failed.get("currentStep").get("name").asString()).isEqualTo("reserve inventory");
        assertThat(failed.get("deadline").isNull()).isTrue();
        assertThat(standIns.types(placed.saga()).stream().filter("ReleaseInventory"::equals))
                .hasSize(12);
        assertThat(standIns.types(placed.saga())).doesNotContain("VoidAuthorization");
        assertThat(orderStatus(placed)).isEqualTo("PENDING");

        String resolve = ApiClient.json(Map.of("reason", "released the units by hand"));
        assertThat(api.post("/api/sagas/" + placed.saga() + "/resolve", resolve, Map.of())
                        .status())
                .as("the client may not resolve")
                .isEqualTo(403);
        ApiClient.Response resolved = api.post(
                "/api/sagas/" + placed.saga() + "/resolve", resolve, TestAccounts.header(TestAccounts.OPERATOR));

        assertThat(resolved.status()).isEqualTo(200);
        assertThat(resolved.json().get("status").asString()).isEqualTo("RESOLVED");
        JsonNode action = entry(resolved.json(), "OPERATOR_RESOLVE");
        assertThat(action.get("actor").asString()).isEqualTo("operator");
        assertThat(action.get("detail").asString()).isEqualTo("released the units by hand");
        assertOrderRejected(placed, "released the units by hand");
    }

    @Test
    void startsOneSagaPerIdempotencyKeyAndRefusesTheKeyForAnotherOrder() {
        String customer = customer();
        String body = ApiClient.json(Orders.order(customer));
        Map<String, String> key = Map.of("Idempotency-Key", "key-" + customer);

        ApiClient.Response first = api.post("/api/orders", body, key);
        ApiClient.Response again = api.post("/api/orders", body, key);
        ApiClient.Response other = api.post("/api/orders", ApiClient.json(Orders.order(customer + "-other")), key);

        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(first.header("Idempotent-Replayed")).isEqualTo("false");
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.contentType()).startsWith("application/problem+json");
        assertThat(other.json().get("sagaId").asString())
                .isEqualTo(first.json().get("sagaId").asString());
        assertThat(jdbc.sql("SELECT count(*) FROM saga_instance WHERE start_key = :key")
                        .param("key", "key-" + customer)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        awaitStatus(SagaId.of(first.json().get("sagaId").asString()), "COMPLETED");
    }

    private Placed place(String customer) {
        ApiClient.Response placed =
                api.post("/api/orders", ApiClient.json(Orders.order(customer)), Map.of("Idempotency-Key", customer));
        assertThat(placed.status()).as(placed.body()).isEqualTo(202);
        return new Placed(
                UUID.fromString(placed.json().get("orderId").asString()),
                SagaId.of(placed.json().get("sagaId").asString()));
    }

    private StandInParticipants.Command awaitCommand(SagaId saga, String type) {
        return await().atMost(WAIT)
                .until(
                        () -> standIns.received(saga).stream()
                                .filter(command -> command.type().equals(type))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
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

    private void assertOrderRejected(Placed placed, String reason) {
        JsonNode order = api.get("/api/orders/" + placed.orderId()).json();
        assertThat(order.get("status").asString()).isEqualTo("REJECTED");
        assertThat(order.get("reason").asString()).contains(reason);
    }

    private String orderStatus(Placed placed) {
        return api.get("/api/orders/" + placed.orderId()).json().get("status").asString();
    }

    private static List<String> entries(JsonNode saga) {
        return saga.get("timeline")
                .valueStream()
                .map(entry -> entry.get("entry").asString())
                .toList();
    }

    private static JsonNode entry(JsonNode saga, String name) {
        return saga.get("timeline")
                .valueStream()
                .filter(entry -> entry.get("entry").asString().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + saga));
    }

    private static String customer() {
        return "customer-" + UUID.randomUUID();
    }

    record Placed(UUID orderId, SagaId saga) {}

    @TestConfiguration(proxyBeanMethods = false)
    static class Clocks {

        @Bean
        MutableClock clock() {
            return new MutableClock(Instant.now().truncatedTo(ChronoUnit.MICROS));
        }
    }
}
