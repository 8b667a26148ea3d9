package io.sagaline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.testing.ApiClient;
import io.sagaline.testing.Records;
import io.sagaline.testing.TestAccounts;
import io.sagaline.testing.TestInfrastructure;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bound on sagas under way: past it a start over HTTP is refused with 429 and Retry-After and
 * starts nothing, a start over Kafka waits unread, and both go through once a saga has ended.
 */
@SpringBootTest(
        classes = OrchestratorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sagaline.orchestrator.max-in-flight=" + AdmissionIT.LIMIT,
            "sagaline.orchestrator.admission-refresh=100ms"
        })
@DirtiesContext
class AdmissionIT {

    static final int LIMIT = 2;

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EnvelopeCodec CODEC =
            new EnvelopeCodec(JsonMapper.builder().build());

    private static TestRun run;
    private static RelayedRun system;
    private static StandInParticipants standIns;
    private static KafkaProducer<String, String> producer;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @LocalServerPort
    int port;

    private ApiClient api;

    @BeforeAll
    static void start() {
        String kafka = TestInfrastructure.kafka().bootstrapServers();
        system = RelayedRun.start("admission-it");
        run = system.run();
        standIns = system.standIns();
        producer = Records.producer(kafka);
    }

    @AfterAll
    static void stop() {
        producer.close();
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
    void refusesAnOrderPastTheLimitWith429AndRetryAfterAndAdmitsItOnceASagaEnds() {
        SagaId first = placeHeldAtInventory();
        SagaId second = placeHeldAtInventory();
        String customer = customer();
        long sagasBefore = sagaCount();

        ApiClient.Response refused = placeOrder(customer);

        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.contentType()).isEqualTo("application/problem+json");
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.json().get("title").asString()).isEqualTo("Too many orders under way");
        assertThat(refused.json().get("detail").asString()).contains("most this orchestrator admits is " + LIMIT);
        assertThat(sagaCount()).isEqualTo(sagasBefore);

        release(first);
        // A client that honours Retry-After gets in once the count has seen the saga end.
        ApiClient.Response admitted = await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> placeOrder(customer), answer -> answer.status() != 429);
        assertThat(admitted.status()).as(admitted.body()).isEqualTo(202);
        awaitStatus(SagaId.of(admitted.json().get("sagaId").asString()), "COMPLETED");
        release(second);
    }

    @Test
    void keepsAnOrderRequestUnreadOnKafkaPastTheLimitAndStartsItOnceASagaEnds() {
        SagaId first = placeHeldAtInventory();
        SagaId second = placeHeldAtInventory();
        Envelope request = Orders.request(Orders.placeOrder(customer()), CODEC);
        // The request must meet a listener that reads it while the limit is reached.
        await().atMost(WAIT)
                .until(() -> !listeners
                        .getListenerContainer("order-requests")
                        .getAssignedPartitions()
                        .isEmpty());

        producer.send(new ProducerRecord<>(run.requests(), request.sagaId().toString(), CODEC.encode(request)));

        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> sagasStartedBy(request) == 0);
        release(first);
        awaitStatus(request.sagaId(), "COMPLETED");
        assertThat(sagasStartedBy(request)).isOne();
        release(second);
    }

    /** Places an order whose inventory reservation stays unanswered until {@link #release}. */
    private SagaId placeHeldAtInventory() {
        String customer = customer();
        standIns.script(customer, StandInParticipants.SUCCEED.silentOn(ReserveInventory.class));
        ApiClient.Response placed = placeOrder(customer);
        assertThat(placed.status()).as(placed.body()).isEqualTo(202);
        SagaId saga = SagaId.of(placed.json().get("sagaId").asString());
        await().atMost(WAIT).until(() -> standIns.types(saga).contains("ReserveInventory"));
        return saga;
    }

    /** Answers the held reservation, and waits until the saga has ended. */
    private void release(SagaId saga) {
        StandInParticipants.Command held = standIns.received(saga).stream()
                .filter(command -> command.payload() instanceof ReserveInventory)
                .findFirst()
                .orElseThrow();
        standIns.reply(held, StandInParticipants.SUCCEED.answer(held));
        awaitStatus(saga, "COMPLETED");
    }

    private ApiClient.Response placeOrder(String customer) {
        return api.post("/api/orders", ApiClient.json(Orders.order(customer)), Map.of("Idempotency-Key", customer));
    }

    private void awaitStatus(SagaId saga, String status) {
        await().atMost(WAIT)
                .until(
                        () -> api.get("/api/sagas/" + saga),
                        response -> response.status() == 200
                                && response.json().get("status").asString().equals(status));
    }

    private long sagaCount() {
        return jdbc.sql("SELECT count(*) FROM saga_instance").query(Long.class).single();
    }

    private long sagasStartedBy(Envelope request) {
        return jdbc.sql("SELECT count(*) FROM saga_instance WHERE start_key = :key")
                .param("key", request.messageId().toString())
                .query(Long.class)
                .single();
    }

    private static String customer() {
        return "customer-" + UUID.randomUUID();
    }
}
