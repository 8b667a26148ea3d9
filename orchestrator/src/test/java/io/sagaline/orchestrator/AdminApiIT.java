package io.sagaline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationFailed;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.testing.ApiClient;
import io.sagaline.testing.Credentials;
import io.sagaline.testing.Doors;
import io.sagaline.testing.Doors.Door;
import io.sagaline.testing.MutableClock;
import io.sagaline.testing.ProblemContract;
import io.sagaline.testing.TestAccounts;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP API around the sagas, through real PostgreSQL, Kafka and the outbox relay with stand-in
 * participants: finding sagas by status, type, step, age and error; one saga's timeline; the
 * operator's retry, abort and resolve and who may call them; the validation of placed orders; the
 * OpenAPI document and the Prometheus metrics. Other tests of this class start sagas too, so each
 * test judges only the sagas it started.
 */
@SpringBootTest(
        classes = OrchestratorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "sagaline.orchestrator.in-flight-refresh=200ms")
@Import(AdminApiIT.Clocks.class)
@DirtiesContext
class AdminApiIT {

    private static final String OPERATOR = TestAccounts.OPERATOR.user();
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static TestRun run;
    private static RelayedRun system;
    private static StandInParticipants standIns;
    private static boolean messagingReady;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @LocalServerPort
    int port;

    private ApiClient stranger;
    private ApiClient api;

    @BeforeAll
    static void startRelay() {
        system = RelayedRun.start("admin-api-it");
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
        stranger = new ApiClient("http://127.0.0.1:" + port);
        api = stranger.as(TestAccounts.CLIENT);
    }

    /**
     * Each test starts at the real time, so that the time earlier tests moved the shared clock
     * forward does not add up and fire the timeouts of sagas this test relies on.
     */
    @BeforeEach
    void ownTime() {
        clock.set(Instant.now().truncatedTo(ChronoUnit.MICROS));
    }

    /**
     * The first test starts only once commands are streamed and replies consumed: the relay's
     * engine streams (the schema exists by now) and the orchestrator's listeners hold partitions.
     */
    @BeforeEach
    void awaitMessagingReady() {
        if (messagingReady) {
            return;
        }
        system.relay().awaitStreaming(WAIT);
        await().atMost(WAIT)
                .until(() -> listeners.getListenerContainers().stream()
                        .allMatch(
                                container -> !container.getAssignedPartitions().isEmpty()));
        messagingReady = true;
    }

    // Finding sagas

    @Test
    void filtersByOneStatusOrSeveral() {
        SagaId completed = place(customer()).saga();
        String declined = customer();
        standIns.script(declined, declines("no credit"));
        SagaId compensated = place(declined).saga();
        SagaId running = placeSilentOn(ReserveInventory.class).saga();
        awaitStatus(completed, "COMPLETED");
        awaitStatus(compensated, "COMPENSATED");
        List<SagaId> mine = List.of(completed, compensated, running);

        JsonNode onlyCompleted = list("status", "COMPLETED", "size", "200");
        JsonNode commaSeparated = list("status", "COMPLETED,COMPENSATED", "size", "200");
        JsonNode repeated = list("status", "COMPENSATED", "status", "COMPLETED", "size", "200");
        JsonNode onlyRunning = list("status", "RUNNING", "size", "200");

        assertThat(mineIn(onlyCompleted, mine)).containsExactly(completed);
        assertThat(statuses(onlyCompleted)).containsOnly("COMPLETED");
        assertThat(mineIn(commaSeparated, mine)).containsExactlyInAnyOrder(completed, compensated);
        assertThat(statuses(commaSeparated)).containsOnly("COMPLETED", "COMPENSATED");
        assertThat(mineIn(repeated, mine)).containsExactlyInAnyOrder(completed, compensated);
        assertThat(mineIn(onlyRunning, mine)).containsExactly(running);
        // Sagas of other tests may still be moving: the count settles on the database's.
        await().atMost(WAIT)
                .until(() -> list("status", "RUNNING").get("totalItems").asLong()
                        == count("SELECT count(*) FROM saga_instance WHERE status = 'RUNNING'"));
    }

    @Test
    void filtersByTypeAndByStepNameOrIndex() {
        SagaId atPayment = placeSilentOn(AuthorizePayment.class).saga();
        SagaId atInventory = placeSilentOn(ReserveInventory.class).saga();
        List<SagaId> mine = List.of(atPayment, atInventory);

        JsonNode byName = list("step", "reserve inventory", "size", "200");
        JsonNode byNameOtherCase = list("type", "order", "step", "Reserve Inventory", "size", "200");
        JsonNode byIndex = list("step", "2", "size", "200");
        JsonNode byOtherIndex = list("step", "1", "size", "200");
        JsonNode byType = list("type", "order", "size", "200");

        assertThat(mineIn(byName, mine)).containsExactly(atInventory);
        assertThat(byName.get("items").valueStream().map(saga -> saga.get("currentStep")))
                .isNotEmpty()
                .allSatisfy(step -> {
                    assertThat(step.get("name").asString()).isEqualTo("reserve inventory");
                    assertThat(step.get("index").asInt()).isEqualTo(2);
                });
        assertThat(mineIn(byNameOtherCase, mine)).containsExactly(atInventory);
        assertThat(mineIn(byIndex, mine)).containsExactly(atInventory);
        assertThat(ids(byIndex)).isEqualTo(ids(byName));
        assertThat(mineIn(byOtherIndex, mine)).containsExactly(atPayment);
        assertThat(mineIn(byType, mine)).containsExactlyInAnyOrder(atPayment, atInventory);
        assertThat(list("type", "no-such-type").get("totalItems").asLong()).isZero();
        assertThat(list("step", "no such step").get("totalItems").asLong()).isZero();
        assertThat(list("type", "no-such-type", "step", "reserve inventory")
                        .get("totalItems")
                        .asLong())
                .isZero();
    }

    @Test
    void findsSagasUnchangedForLongerThanAskedAndNotFinishedOnes() {
        SagaId finished = place(customer()).saga();
        awaitStatus(finished, "COMPLETED");
        SagaId waiting = placeSilentOn(ReserveInventory.class).saga();
        List<SagaId> mine = new ArrayList<>(List.of(finished, waiting));

        JsonNode beforeTimePassed = list("stuckFor", "15s", "size", "200");
        clock.advance(Duration.ofSeconds(20));
        SagaId fresh = placeSilentOn(ReserveInventory.class).saga();
        mine.add(fresh);
        JsonNode stuck15s = list("stuckFor", "15s", "size", "200");
        JsonNode stuckIso = list("stuckFor", "PT15S", "size", "200");
        JsonNode stuck25s = list("stuckFor", "25s", "size", "200");

        assertThat(mineIn(beforeTimePassed, mine)).isEmpty();
        assertThat(mineIn(stuck15s, mine)).containsExactly(waiting);
        assertThat(mineIn(stuckIso, mine)).containsExactly(waiting);
        assertThat(mineIn(stuck25s, mine)).isEmpty();
        assertThat(statuses(stuck15s)).doesNotContain("COMPLETED", "COMPENSATED", "RESOLVED");
        JsonNode invalid = assertProblem(api.get("/api/sagas?stuckFor=a-while"), 400);
        assertThat(fields(invalid)).containsExactly("stuckFor");
    }

    @Test
    void findsSagasByTextInTheirReasonOrLastErrorIgnoringCase() {
        String token = "Token" + UUID.randomUUID().toString().substring(0, 8);
        String declined = customer();
        standIns.script(declined, declines("no credit " + token));
        SagaId compensated = place(declined).saga();
        String mailFails = customer();
        // Every attempt fails alike, so the error stays whenever another test's clock move fires a retry.
        standIns.script(
                mailFails,
                StandInParticipants.SUCCEED.on(
                        SendOrderConfirmation.class,
                        confirm -> new OrderConfirmationFailed(confirm.orderId(), "SMTP down " + token + "-mail")));
        SagaId retrying = place(mailFails).saga();
        awaitStatus(compensated, "COMPENSATED");
        JsonNode waitingForRetry = awaitEntries(retrying, entries -> entries.contains("RETRY_SCHEDULED"));

        assertThat(saga(compensated).get("reason").asString()).contains(token);
        assertThat(entry(waitingForRetry, "RETRY_SCHEDULED").get("detail").asString())
                .contains(token + "-mail");
        assertThat(waitingForRetry.get("lastError").asString()).contains(token + "-mail");
        assertThat(ids(list("error", token.toUpperCase()))).containsExactlyInAnyOrder(compensated, retrying);
        assertThat(ids(list("error", "no credit " + token.toLowerCase()))).containsExactly(compensated);
        assertThat(ids(list("error", "smtp DOWN " + token))).containsExactly(retrying);
        // LIKE's wildcards are matched as text, not as patterns.
        assertThat(list("error", "no credit%" + token).get("totalItems").asLong())
                .isZero();
        assertThat(list("error", "no_credit " + token).get("totalItems").asLong())
                .isZero();
    }

    @Test
    void showsASagaAsOneSnapshotWhileItsTransitionsCommit() throws Exception {
        SagaId saga = placeSilentOn(ReserveInventory.class).saga();
        // Transitions as the engine commits them: the saga's row and a step-log line in one
        // transaction. Each one names how many lines it has written, so a view that read the row
        // and the log at two moments would disagree with itself.
        var transitions = new TransactionTemplate(transactionManager);
        var stop = new AtomicBoolean();
        var writer = Thread.ofPlatform().start(() -> {
            // Bounded, so that each read's growing timeline stays small on a slow machine.
            for (int n = 1; n <= 2_000 && !stop.get(); n++) {
                int written = n;
                transitions.executeWithoutResult(status -> {
                    jdbc.sql("UPDATE saga_instance SET last_error = :error WHERE id = :id")
                            .param("error", "marks " + written)
                            .param("id", saga.value())
                            .update();
                    jdbc.sql("INSERT INTO saga_step_log (saga_id, at, entry) VALUES (:id, now(), 'TEST_MARK')")
                            .param("id", saga.value())
                            .update();
                });
            }
        });
        try {
            await().atMost(WAIT).until(() -> entries(saga(saga)).contains("TEST_MARK"));
            for (int read = 0; read < 300 && writer.isAlive(); read++) {
                JsonNode view = saga(saga);
                long marks = entries(view).stream().filter("TEST_MARK"::equals).count();
                assertThat(view.get("lastError").asString()).as("read " + read).isEqualTo("marks " + marks);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
    }

    @Test
    void pagesThroughTheMatchesNewestFirst() {
        String reason = "paged " + UUID.randomUUID();
        List<SagaId> placed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String customer = customer();
            standIns.script(customer, declines(reason));
            placed.add(place(customer).saga());
            // Distinct start times: the clock moves only when told to.
            clock.advance(Duration.ofSeconds(1));
        }
        await().atMost(WAIT).until(() -> list("error", reason).get("totalItems").asLong() == 3);

        JsonNode first = list("error", reason, "page", "0", "size", "2");
        JsonNode second = list("error", reason, "page", "1", "size", "2");
        JsonNode beyond = list("error", reason, "page", "2", "size", "2");
        JsonNode everything = list("size", "50");

        assertThat(ids(first)).containsExactly(placed.get(2), placed.get(1));
        assertThat(ids(second)).containsExactly(placed.get(0));
        assertThat(ids(beyond)).isEmpty();
        for (JsonNode page : List.of(first, second, beyond)) {
            assertThat(page.get("totalItems").asLong()).isEqualTo(3);
            assertThat(page.get("size").asInt()).isEqualTo(2);
        }
        assertThat(first.get("page").asInt()).isZero();
        assertThat(second.get("page").asInt()).isEqualTo(1);
        assertThat(everything
                        .get("items")
                        .valueStream()
                        .map(saga -> Instant.parse(saga.get("createdAt").asString()))
                        .toList())
                .isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(fields(assertProblem(api.get("/api/sagas?size=0"), 400))).containsExactly("size");
        assertThat(fields(assertProblem(api.get("/api/sagas?size=201"), 400))).containsExactly("size");
        assertThat(fields(assertProblem(api.get("/api/sagas?page=-1"), 400))).containsExactly("page");
    }

    // One saga

    @Test
    void showsASagaWithItsDataStepAndTimeline() {
        String customer = customer();
        standIns.script(customer, StandInParticipants.SUCCEED.silentOn(ReserveInventory.class));
        Placed placed = place(customer);
        StandInParticipants.Command reserve = awaitCommand(placed.saga(), "ReserveInventory");
        JsonNode waiting = saga(placed.saga());

        clock.advance(Duration.ofSeconds(5));
        standIns.reply(reserve, StandInParticipants.SUCCEED.answer(reserve));
        JsonNode done = awaitStatus(placed.saga(), "COMPLETED");

        assertThat(waiting.get("sagaId").asString()).isEqualTo(placed.saga().toString());
        assertThat(waiting.get("type").asString()).isEqualTo("order");
        assertThat(waiting.get("definitionVersion").asInt()).isEqualTo(1);
        assertThat(waiting.get("status").asString()).isEqualTo("RUNNING");
        assertThat(waiting.get("currentStep").get("index").asInt()).isEqualTo(2);
        assertThat(waiting.get("currentStep").get("name").asString()).isEqualTo("reserve inventory");
        assertThat(waiting.get("currentStep").get("kind").asString()).isEqualTo("COMPENSATABLE");
        assertThat(waiting.get("direction").asString()).isEqualTo("forward");
        assertThat(waiting.get("deadline").isNull()).isFalse();
        assertThat(waiting.get("payload").get("orderId").asString())
                .isEqualTo(placed.orderId().toString());
        assertThat(waiting.get("payload").get("customerId").asString()).isEqualTo(customer);
        assertThat(waiting.get("payload").get("total").get("amountMinor").asLong())
                .isEqualTo(3399);

        assertThat(done.get("definitionVersion").asInt()).isEqualTo(1);
        assertThat(done.get("payload").get("unitIds").size()).isEqualTo(3);
        assertThat(done.get("payload").get("authorizationId").isNull()).isFalse();
        List<JsonNode> replies = timeline(done).stream()
                .filter(entry -> entry.get("entry").asString().equals("REPLY"))
                .toList();
        assertThat(replies).hasSize(6).allSatisfy(reply -> {
            assertThat(reply.get("waitedMs").isNumber()).as(reply.toString()).isTrue();
            assertThat(reply.get("waitedMs").asLong()).isNotNegative();
            assertThat(reply.get("inReplyTo").isNull()).isFalse();
        });
        JsonNode reserved = replies.stream()
                .filter(reply -> reply.get("messageType").asString().equals("InventoryReserved"))
                .findFirst()
                .orElseThrow();
        assertThat(reserved.get("waitedMs").asLong()).isEqualTo(5_000);
        assertThat(reserved.get("stepName").asString()).isEqualTo("reserve inventory");
        assertThat(reserved.get("inReplyTo").asString())
                .isEqualTo(reserve.envelope().messageId().toString());
        assertThat(timeline(done).stream()
                        .filter(entry -> !entry.get("entry").asString().equals("REPLY"))
                        .map(entry -> entry.get("waitedMs")))
                .allSatisfy(
                        waited -> assertThat(waited == null || waited.isNull()).isTrue());
        List<Long> sinceStart = timeline(done).stream()
                .map(entry -> entry.get("sinceStartMs").asLong())
                .toList();
        assertThat(sinceStart).isSorted().first().isEqualTo(0L);
        assertThat(sinceStart.getLast()).isGreaterThanOrEqualTo(5_000);
    }

    @Test
    void answersNotFoundForAnUnknownSagaAndBadRequestForAMalformedId() {
        UUID unknown = UUID.randomUUID();

        JsonNode missing = assertProblem(api.get("/api/sagas/" + unknown), 404);
        JsonNode retryMissing = assertProblem(api.post("/api/sagas/" + unknown + "/retry", null, operator()), 404);
        assertProblem(api.get("/api/sagas/not-a-saga-id"), 400);
        assertProblem(api.get("/api/orders/" + unknown), 404);

        assertThat(missing.get("detail").asString()).contains(unknown.toString());
        assertThat(retryMissing.get("detail").asString()).contains(unknown.toString());
    }

    // Operators' actions

    @Test
    void resendsTheAwaitedCommandUnderItsKeyWhenAnOperatorRetries() {
        Placed placed = placeSilentOn(ReserveInventory.class);
        StandInParticipants.Command first = awaitCommand(placed.saga(), "ReserveInventory");

        ApiClient.Response retried = api.post("/api/sagas/" + placed.saga() + "/retry", null, operator());

        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().get("status").asString()).isEqualTo("RUNNING");
        assertThat(retried.json().get("attempt").asInt()).isEqualTo(2);
        JsonNode action = entry(retried.json(), "OPERATOR_RETRY");
        assertThat(action.get("actor").asString()).isEqualTo(OPERATOR);
        List<StandInParticipants.Command> reserves = await().atMost(WAIT)
                .until(() -> commands(placed.saga(), "ReserveInventory"), commands -> commands.size() == 2);
        StandInParticipants.Command second = reserves.get(1);
        assertThat(second.envelope().idempotencyKey())
                .isEqualTo(first.envelope().idempotencyKey())
                .isEqualTo(placed.saga() + ":2:forward");
        assertThat(second.envelope().messageId()).isNotEqualTo(first.envelope().messageId());
        assertThat(second.payload()).isEqualTo(first.payload());

        // A participant answers every attempt of one key alike: the first final answer counts,
        // whichever attempt it names, and the other is ignored.
        standIns.reply(first, StandInParticipants.SUCCEED.answer(first));
        awaitStatus(placed.saga(), "COMPLETED");
        assertThat(orderStatus(placed)).isEqualTo("APPROVED");
        standIns.reply(second, StandInParticipants.SUCCEED.answer(second));
        JsonNode ignored =
                awaitEntries(placed.saga(), entries -> entries.getLast().equals("IGNORED"));
        assertThat(ignored.get("status").asString()).isEqualTo("COMPLETED");
    }

    @Test
    void compensatesWhenAnOperatorAbortsBeforeThePivot() {
        Placed placed = placeSilentOn(ReserveInventory.class);
        awaitCommand(placed.saga(), "ReserveInventory");

        ApiClient.Response aborted = api.post(
                "/api/sagas/" + placed.saga() + "/abort",
                ApiClient.json(Map.of("reason", "customer called to cancel")),
                operator());

        assertThat(aborted.status()).as(aborted.body()).isEqualTo(200);
        assertThat(aborted.json().get("status").asString()).isIn("COMPENSATING", "COMPENSATED");
        JsonNode action = entry(aborted.json(), "OPERATOR_ABORT");
        assertThat(action.get("actor").asString()).isEqualTo(OPERATOR);
        assertThat(action.get("detail").asString()).isEqualTo("customer called to cancel");
        JsonNode compensated = awaitStatus(placed.saga(), "COMPENSATED");
        assertThat(compensated.get("reason").asString()).contains("customer called to cancel");
        // The reservation may have happened before the abort: it is released too.
        assertThat(standIns.types(placed.saga()))
                .containsExactly("AuthorizePayment", "ReserveInventory", "ReleaseInventory", "VoidAuthorization");
        JsonNode order = api.get("/api/orders/" + placed.orderId()).json();
        assertThat(order.get("status").asString()).isEqualTo("REJECTED");
        assertThat(order.get("reason").asString()).contains("customer called to cancel");
    }

    @Test
    void refusesAnAbortAtThePivotAndChangesNothing() {
        Placed placed = placeSilentOn(CapturePayment.class);
        StandInParticipants.Command capture = awaitCommand(placed.saga(), "CapturePayment");
        JsonNode before = saga(placed.saga());

        ApiClient.Response refused = api.post(
                "/api/sagas/" + placed.saga() + "/abort", ApiClient.json(Map.of("reason", "too late")), operator());

        JsonNode problem = assertProblem(refused, 409);
        assertThat(problem.get("detail").asString()).contains("pivot");
        assertUnchanged(placed.saga(), before);
        assertThat(orderStatus(placed)).isEqualTo("PENDING");
        // Nothing was compensated: answered, the capture carries the saga to its end.
        standIns.reply(capture, StandInParticipants.SUCCEED.answer(capture));
        awaitStatus(placed.saga(), "COMPLETED");
        assertThat(standIns.types(placed.saga()))
                .containsExactly(
                        "AuthorizePayment",
                        "ReserveInventory",
                        "ScheduleShipment",
                        "CapturePayment",
                        "AllocateInventory",
                        "SendOrderConfirmation");
        assertThat(orderStatus(placed)).isEqualTo("APPROVED");
    }

    @Test
    void refusesAnAbortWhileTheConfirmationIsPending() {
        Placed placed = placeSilentOn(SendOrderConfirmation.class);
        awaitCommand(placed.saga(), "SendOrderConfirmation");
        JsonNode before = saga(placed.saga());

        ApiClient.Response refused = api.post("/api/sagas/" + placed.saga() + "/abort", null, operator());

        JsonNode problem = assertProblem(refused, 409);
        assertThat(problem.get("detail").asString()).contains("pivot");
        assertUnchanged(placed.saga(), before);
        assertThat(before.get("currentStep").get("name").asString()).isEqualTo("send order confirmation");
        // Paid: the order stands, whatever becomes of its confirmation mail.
        assertThat(orderStatus(placed)).isEqualTo("APPROVED");
    }

    @Test
    void refusesToResolveARunningSagaOrWithoutAReason() {
        Placed placed = placeSilentOn(AuthorizePayment.class);
        awaitCommand(placed.saga(), "AuthorizePayment");
        JsonNode before = saga(placed.saga());
        String path = "/api/sagas/" + placed.saga() + "/resolve";

        JsonNode running =
                assertProblem(api.post(path, ApiClient.json(Map.of("reason", "fixed by hand")), operator()), 409);
        JsonNode noReason = assertProblem(api.post(path, "{}", operator()), 400);
        JsonNode blankReason = assertProblem(api.post(path, ApiClient.json(Map.of("reason", "  ")), operator()), 400);

        assertThat(running.get("detail").asString()).contains("RUNNING");
        assertThat(fields(noReason)).containsExactly("reason");
        assertThat(fields(blankReason)).containsExactly("reason");
        assertUnchanged(placed.saga(), before);
        assertThat(saga(placed.saga()).get("reason").isNull()).isTrue();
    }

    @Test
    void placesOrdersOnlyForTheClient() {
        String customer = "door-" + UUID.randomUUID();
        Door placing =
                new Door("/api/orders", ApiClient.json(Orders.order(customer)), Map.of("Idempotency-Key", customer));

        ApiClient.Response placed = Doors.assertOpensOnlyTo(stranger, placing, TestAccounts.CLIENT);

        assertThat(placed.status()).isEqualTo(202);
        assertThat(api.get("/api/orders/" + placed.json().get("orderId").asString())
                        .status())
                .isEqualTo(200);
    }

    @Test
    void refusesOperatorActionsWithoutTheOperatorsCredentials() {
        Placed placed = placeSilentOn(AuthorizePayment.class);
        awaitCommand(placed.saga(), "AuthorizePayment");
        JsonNode before = saga(placed.saga());
        String reason = ApiClient.json(Map.of("reason", "not allowed"));
        List<Map<String, String>> strangers = List.of(
                Map.of(),
                ApiClient.basic(OPERATOR, "wrong-" + TestAccounts.OPERATOR_PASSWORD),
                ApiClient.basic("someone-else", TestAccounts.OPERATOR_PASSWORD),
                Map.of("Authorization", "Bearer " + TestAccounts.OPERATOR_PASSWORD));

        for (String action : List.of("retry", "abort", "resolve")) {
            for (Map<String, String> credentials : strangers) {
                ApiClient.Response refused =
                        stranger.post("/api/sagas/" + placed.saga() + "/" + action, reason, credentials);
                assertProblem(refused, 401);
                assertThat(refused.header("WWW-Authenticate"))
                        .as(action + " with " + credentials.keySet())
                        .startsWith("Basic");
            }
            assertProblem(stranger.post("/api/sagas/" + UUID.randomUUID() + "/" + action, reason, Map.of()), 401);
            for (Credentials account : List.of(TestAccounts.CLIENT, TestAccounts.VIEWER)) {
                assertProblem(
                        stranger.post(
                                "/api/sagas/" + placed.saga() + "/" + action, reason, TestAccounts.header(account)),
                        403);
            }
        }

        assertUnchanged(placed.saga(), before);
        assertThat(entries(saga(placed.saga()))).noneMatch(entry -> entry.startsWith("OPERATOR_"));
        assertThat(api.get("/api/sagas").status()).isEqualTo(200);
        assertThat(api.get("/api/sagas/" + placed.saga()).status()).isEqualTo(200);
        assertThat(api.get("/api/orders/" + placed.orderId()).status()).isEqualTo(200);
    }

    // Placing orders

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidOrders")
    void refusesAnInvalidOrderNamingTheFieldAndStartsNoSaga(String fault, String field, Map<String, Object> body) {
        long sagas = sagaCount();

        JsonNode problem = assertProblem(api.post("/api/orders", ApiClient.json(body), Map.of()), 400);

        assertThat(fields(problem)).containsExactly(field);
        assertThat(sagaCount()).isEqualTo(sagas);
    }

    static Stream<Arguments> invalidOrders() {
        return Stream.of(
                Arguments.of("no customer", "customerId", order(body -> body.remove("customerId"))),
                Arguments.of("a blank customer", "customerId", order(body -> body.put("customerId", "  "))),
                Arguments.of("no lines", "lines", order(body -> body.put("lines", List.of()))),
                Arguments.of(
                        "quantity 0", "lines[0].quantity", order(body -> body.put("lines", List.of(line(0, 1250))))),
                Arguments.of(
                        "a negative price",
                        "lines[0].unitPrice",
                        order(body -> body.put("lines", List.of(line(1, -1))))),
                Arguments.of("a lower-case currency", "currency", order(body -> body.put("currency", "eur"))),
                Arguments.of("a malformed e-mail", "email", order(body -> body.put("email", "not-an-email"))),
                Arguments.of(
                        "a lower-case country",
                        "shippingAddress.country",
                        order(body -> body.put(
                                "shippingAddress",
                                Map.of(
                                        "country",
                                        "de",
                                        "region",
                                        "north",
                                        "city",
                                        "Hamburg",
                                        "line1",
                                        "Hafenstrasse 1",
                                        "postalCode",
                                        "20359")))));
    }

    @Test
    void answersEveryMistakeInTheSharedShape() {
        long sagas = sagaCount();

        ProblemContract.assertBodyMistakes(
                api,
                "/api/orders",
                ApiClient.json(order(body -> body.put("lines", List.of(Orders.line("BOOK-1", 1, 0)))))
                        .replace("\"unitPrice\":0", "\"unitPrice\":10.5"),
                "lines[0].unitPrice",
                ApiClient.json(order(body -> body.put("lines", List.of(line(0, 1250))))),
                List.of("lines[0].quantity"));
        ProblemContract.assertProblem(api.get("/api/orders/" + UUID.randomUUID()), 404, "Order not found");
        assertThat(sagaCount()).isEqualTo(sagas);
    }

    @Test
    void refusesAnOrderWithoutAnyFieldNamingEach() {
        long sagas = sagaCount();

        JsonNode problem = assertProblem(api.post("/api/orders", "{}", Map.of()), 400);

        assertThat(fields(problem)).containsExactly("currency", "customerId", "email", "lines", "shippingAddress");
        assertThat(sagaCount()).isEqualTo(sagas);
    }

    @Test
    void refusesAFractionalPriceRatherThanRoundingIt() {
        long sagas = sagaCount();
        String body = ApiClient.json(
                order(order -> order.put("lines", List.of(Map.of("sku", "BOOK-1", "quantity", 1, "unitPrice", 10.5)))));

        JsonNode problem = assertProblem(api.post("/api/orders", body, Map.of()), 400);

        assertThat(body).contains("10.5");
        assertThat(fields(problem)).containsExactly("lines[0].unitPrice");
        assertThat(sagaCount()).isEqualTo(sagas);
    }

    @Test
    void refusesABodyThatIsNotJsonOrTooLarge() {
        long sagas = sagaCount();
        String large = ApiClient.json(order(body -> body.put("customerId", "x".repeat(70 * 1024))));

        JsonNode notJson = assertProblem(api.post("/api/orders", "this is not JSON", Map.of()), 400);
        JsonNode truncated = assertProblem(api.post("/api/orders", "{\"customerId\": ", Map.of()), 400);
        JsonNode tooLarge = assertProblem(api.post("/api/orders", large, Map.of()), 413);

        assertThat(notJson.get("title").asString()).isEqualTo("Malformed request");
        assertThat(truncated.get("title").asString()).isEqualTo("Malformed request");
        assertThat(tooLarge.get("detail").asString()).contains(String.valueOf(large.length()));
        assertThat(sagaCount()).isEqualTo(sagas);
    }

    // The API document and metrics

    @Test
    void servesTheOpenApiDocument() {
        ApiClient.Response document = api.get("/v3/api-docs");

        assertThat(document.status()).as(document.body()).isEqualTo(200);
        JsonNode paths = document.json().get("paths");
        assertThat(paths).isNotNull();
        for (String path : List.of(
                "/api/orders",
                "/api/orders/{orderId}",
                "/api/sagas",
                "/api/sagas/{sagaId}",
                "/api/sagas/{sagaId}/retry",
                "/api/sagas/{sagaId}/abort",
                "/api/sagas/{sagaId}/resolve")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        assertThat(paths.get("/api/orders").has("post")).isTrue();
        assertThat(paths.get("/api/sagas").has("get")).isTrue();
        assertThat(paths.get("/api/sagas/{sagaId}/retry").has("post")).isTrue();
        assertThat(document.json().get("info").get("title").asString()).isEqualTo("Sagaline orchestrator API");
    }

    @Test
    void exposesSagaCountsLatenciesAndSagasInFlightToPrometheus() {
        Placed done = place(customer());
        awaitStatus(done.saga(), "COMPLETED");
        Placed waiting = placeSilentOn(AuthorizePayment.class);
        awaitCommand(waiting.saga(), "AuthorizePayment");

        String metrics = await().atMost(WAIT)
                .until(
                        () -> {
                            ApiClient.Response scraped = api.getText("/actuator/prometheus");
                            assertThat(scraped.status()).isEqualTo(200);
                            return scraped.body();
                        },
                        text -> value(text, "sagaline_sagas_in_flight", "status=\"RUNNING\"")
                                .filter(running -> running >= 1)
                                .isPresent());

        assertThat(value(metrics, "sagaline_sagas_started_total", "type=\"order\""))
                .hasValueSatisfying(started -> assertThat(started).isGreaterThanOrEqualTo(2));
        assertThat(value(metrics, "sagaline_sagas_completed_total", "type=\"order\""))
                .hasValueSatisfying(completed -> assertThat(completed).isGreaterThanOrEqualTo(1));
        assertThat(metrics).contains("sagaline_saga_step_latency_seconds_bucket{");
        assertThat(value(metrics, "sagaline_saga_step_latency_seconds_count", "step=\"capture payment\""))
                .hasValueSatisfying(replies -> assertThat(replies).isGreaterThanOrEqualTo(1));
        assertThat(value(metrics, "sagaline_sagas_in_flight", "status=\"COMPENSATION_FAILED\""))
                .isPresent();
    }

    // Helpers

    private Placed place(String customer) {
        ApiClient.Response placed =
                api.post("/api/orders", ApiClient.json(Orders.order(customer)), Map.of("Idempotency-Key", customer));
        assertThat(placed.status()).as(placed.body()).isEqualTo(202);
        return new Placed(
                UUID.fromString(placed.json().get("orderId").asString()),
                SagaId.of(placed.json().get("sagaId").asString()));
    }

    /** Places an order whose {@code command} is never answered, and waits until it is sent. */
    private Placed placeSilentOn(Class<? extends Record> command) {
        String customer = customer();
        standIns.script(customer, StandInParticipants.SUCCEED.silentOn(command));
        Placed placed = place(customer);
        awaitCommand(placed.saga(), command.getSimpleName());
        return placed;
    }

    private static StandInParticipants.Script declines(String reason) {
        return StandInParticipants.SUCCEED.on(
                AuthorizePayment.class, authorize -> new PaymentDeclined(authorize.orderId(), reason));
    }

    private static List<StandInParticipants.Command> commands(SagaId saga, String type) {
        return standIns.received(saga).stream()
                .filter(command -> command.type().equals(type))
                .toList();
    }

    private StandInParticipants.Command awaitCommand(SagaId saga, String type) {
        return await().atMost(WAIT)
                .until(() -> commands(saga, type), commands -> !commands.isEmpty())
                .getFirst();
    }

    private JsonNode awaitStatus(SagaId saga, String status) {
        return await().atMost(WAIT)
                .until(() -> saga(saga), json -> json.get("status").asString().equals(status));
    }

    private JsonNode awaitEntries(SagaId saga, Predicate<List<String>> condition) {
        return await().atMost(WAIT).until(() -> saga(saga), json -> condition.test(entries(json)));
    }

    private JsonNode saga(SagaId saga) {
        ApiClient.Response response = api.get("/api/sagas/" + saga);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    /** The saga as {@code before} showed it: same status, step, attempt, deadline and last change. */
    private void assertUnchanged(SagaId saga, JsonNode before) {
        JsonNode after = saga(saga);
        for (String field :
                List.of("status", "currentStep", "direction", "attempt", "deadline", "reason", "updatedAt")) {
            assertThat(after.get(field)).as(field).isEqualTo(before.get(field));
        }
    }

    private String orderStatus(Placed placed) {
        return api.get("/api/orders/" + placed.orderId()).json().get("status").asString();
    }

    /** {@code GET /api/sagas} with the query parameters {@code nameAndValue}, answered 200. */
    private JsonNode list(String... nameAndValue) {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < nameAndValue.length; i += 2) {
            query.append(query.isEmpty() ? "?" : "&")
                    .append(nameAndValue[i])
                    .append('=')
                    .append(URLEncoder.encode(nameAndValue[i + 1], StandardCharsets.UTF_8)
                            .replace("+", "%20"));
        }
        ApiClient.Response response = api.get("/api/sagas" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static List<SagaId> ids(JsonNode page) {
        return page.get("items")
                .valueStream()
                .map(saga -> SagaId.of(saga.get("sagaId").asString()))
                .toList();
    }

    /** Which of {@code mine} the page lists, in its order. */
    private static List<SagaId> mineIn(JsonNode page, List<SagaId> mine) {
        return ids(page).stream().filter(mine::contains).toList();
    }

    private static List<String> statuses(JsonNode page) {
        return page.get("items")
                .valueStream()
                .map(saga -> saga.get("status").asString())
                .toList();
    }

    private static List<JsonNode> timeline(JsonNode saga) {
        return saga.get("timeline").valueStream().toList();
    }

    private static List<String> entries(JsonNode saga) {
        return timeline(saga).stream()
                .map(entry -> entry.get("entry").asString())
                .toList();
    }

    private static JsonNode entry(JsonNode saga, String name) {
        return timeline(saga).stream()
                .filter(entry -> entry.get("entry").asString().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + saga));
    }

    private static JsonNode assertProblem(ApiClient.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).as(response.body()).startsWith(PROBLEM_JSON);
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(response.json().get("title").asString()).isNotBlank();
        return response.json();
    }

    private static List<String> fields(JsonNode problem) {
        JsonNode errors = problem.get("errors");
        assertThat(errors).as("errors of " + problem).isNotNull();
        return errors.valueStream().map(error -> error.get("field").asString()).toList();
    }

    /** The value of the sample {@code name} whose labels include {@code label}, in Prometheus text. */
    private static Optional<Double> value(String metrics, String name, String label) {
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(label))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst();
    }

    private long sagaCount() {
        return count("SELECT count(*) FROM saga_instance");
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private static Map<String, Object> order(Consumer<Map<String, Object>> change) {
        Map<String, Object> body = new HashMap<>(Orders.order(customer()));
        change.accept(body);
        return body;
    }

    private static Map<String, Object> line(int quantity, long unitPrice) {
        return Orders.line("BOOK-1", quantity, unitPrice);
    }

    private static Map<String, String> operator() {
        return TestAccounts.header(TestAccounts.OPERATOR);
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
