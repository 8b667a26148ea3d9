package io.sagaline.payment.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizationVoided;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentAuthorized;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptureFailed;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptured;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.messaging.contract.PaymentMessages.PaymentRefundFailed;
import io.sagaline.messaging.contract.PaymentMessages.PaymentRefunded;
import io.sagaline.messaging.contract.PaymentMessages.RefundPayment;
import io.sagaline.messaging.contract.PaymentMessages.VoidAuthorization;
import io.sagaline.payment.PaymentApplication;
import io.sagaline.testing.MutableClock;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.Records;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import io.sagaline.testing.TestRelay;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Commands on Kafka in, replies on Kafka out through the real outbox relay. */
@SpringBootTest(classes = PaymentApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Import(TestSetup.Clocks.class)
class PaymentCommandsIT {

    private static final String RUN = UUID.randomUUID().toString();
    private static final String COMMANDS = "payment-commands-it-" + RUN;
    private static final String REPLIES = "payment-replies-it-" + RUN;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static TestDatabase database;
    private static TestRelay relay;
    private static Records replies;
    private static KafkaProducer<String, String> producer;

    @Autowired
    EnvelopeCodec codec;

    @Autowired
    Accounts accounts;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void startRelay() {
        var kafka = TestInfrastructure.kafka();
        kafka.createTopics(3, COMMANDS, Topics.deadLetterOf(COMMANDS), REPLIES);
        database = TestInfrastructure.postgres().createDatabase(PostgresServer.uniqueName("payment_commands_it"));
        // Before the service: it holds its start until the relay's slot exists in its database.
        relay = TestRelay.start(kafka.bootstrapServers(), List.of(database));
        replies = Records.consume(kafka.bootstrapServers(), REPLIES);
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
    }

    @AfterAll
    static void stopRelay() {
        if (producer != null) {
            producer.close();
        }
        if (replies != null) {
            replies.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (database != null) {
            // Its replication slot goes with it: the server has few.
            TestInfrastructure.postgres().dropDatabase(database.name());
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestSetup.register(registry, database, COMMANDS, REPLIES);
    }

    @Test
    void authorizesAndCapturesAnOrder() {
        String customer = open(10_000, Account.Status.ACTIVE);
        var authorize = new AuthorizePayment(UUID.randomUUID(), customer, eur(2_500));

        var authorized = reply(send(authorize), PaymentAuthorized.class);
        var captured = reply(send(new CapturePayment(authorize.orderId(), eur(2_500))), PaymentCaptured.class);

        assertThat(authorized.amount()).isEqualTo(eur(2_500));
        assertThat(authorized.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(2)));
        assertThat(captured).isEqualTo(new PaymentCaptured(authorize.orderId(), eur(2_500)));
        AccountView account = accounts.view(customer);
        assertThat(account.charged()).isEqualTo(2_500);
        assertThat(account.held()).isZero();
        assertThat(account.available()).isEqualTo(7_500);
    }

    @Test
    void declinesInsufficientCreditAnUnknownOrFrozenAccountAndAForeignCurrency() {
        String poor = open(100, Account.Status.ACTIVE);
        String frozen = open(10_000, Account.Status.FROZEN);

        assertThat(declined(new AuthorizePayment(UUID.randomUUID(), poor, eur(101))))
                .contains("insufficient credit");
        assertThat(declined(new AuthorizePayment(UUID.randomUUID(), "nobody-" + RUN, eur(1))))
                .contains("unknown account");
        assertThat(declined(new AuthorizePayment(UUID.randomUUID(), frozen, eur(1))))
                .contains("frozen");
        assertThat(declined(new AuthorizePayment(UUID.randomUUID(), poor, Money.of(1, "USD"))))
                .contains("is in EUR, not USD");
        assertThat(holdCount(poor) + holdCount(frozen)).isZero();
    }

    @Test
    void captureFailsWithoutAHoldAfterAVoidAndForAnotherAmount() {
        String customer = open(10_000, Account.Status.ACTIVE);
        var voided = new AuthorizePayment(UUID.randomUUID(), customer, eur(100));
        var other = new AuthorizePayment(UUID.randomUUID(), customer, eur(200));
        reply(send(voided), PaymentAuthorized.class);
        reply(send(other), PaymentAuthorized.class);
        reply(send(new VoidAuthorization(voided.orderId())), AuthorizationVoided.class);

        var none = reply(send(new CapturePayment(UUID.randomUUID(), eur(100))), PaymentCaptureFailed.class);
        var afterVoid = reply(send(new CapturePayment(voided.orderId(), eur(100))), PaymentCaptureFailed.class);
        var wrongAmount = reply(send(new CapturePayment(other.orderId(), eur(201))), PaymentCaptureFailed.class);

        assertThat(none.reason()).contains("no authorization");
        assertThat(afterVoid.reason()).contains("voided");
        assertThat(wrongAmount.reason()).contains("differs");
        assertThat(accounts.view(customer).charged()).isZero();
    }

    @Test
    void captureAfterTheHoldExpiredFails() {
        String customer = open(10_000, Account.Status.ACTIVE);
        var authorize = new AuthorizePayment(UUID.randomUUID(), customer, eur(100));
        reply(send(authorize), PaymentAuthorized.class);

        clock.advance(Duration.ofHours(2));
        var failed = reply(send(new CapturePayment(authorize.orderId(), eur(100))), PaymentCaptureFailed.class);

        assertThat(failed.reason()).contains("expired");
        assertThat(accounts.view(customer).charged()).isZero();
    }

    @Test
    void aCommandDeliveredTwiceHasOneEffectAndTheSameReply() {
        String customer = open(10_000, Account.Status.ACTIVE);
        Envelope command = command(new AuthorizePayment(UUID.randomUUID(), customer, eur(300)), "authorize");

        send(command);
        send(command);
        Envelope first = awaitReplyTo(command);

        assertThat(codec.payload(first, PaymentAuthorized.class).amount()).isEqualTo(eur(300));
        assertThat(holdCount(customer)).isOne();
        assertThat(inboxEntries(command)).isOne();
        // The duplicate is skipped before anything is written, so it gets no reply of its own.
        awaitReplies(command, 1);
    }

    @Test
    void aRetriedCommandGetsTheFirstReplyAndNoSecondHold() {
        String customer = open(10_000, Account.Status.ACTIVE);
        var authorize = new AuthorizePayment(UUID.randomUUID(), customer, eur(300));
        Envelope first = command(authorize, "authorize");
        Envelope retry = Envelope.command(
                first.sagaId(), first.type(), first.payload(), first.idempotencyKey(), clock.instant());

        var firstReply = reply(send(first), PaymentAuthorized.class);
        var retryReply = reply(send(retry), PaymentAuthorized.class);

        assertThat(retry.messageId()).isNotEqualTo(first.messageId());
        assertThat(retryReply).isEqualTo(firstReply);
        assertThat(holdCount(customer)).isOne();
        assertThat(accounts.view(customer).held()).isEqualTo(300);
    }

    @Test
    void aVoidBeforeItsAuthorizationDeclinesTheLateAuthorizationAndHoldsNothing() {
        String customer = open(1_000, Account.Status.ACTIVE);
        var authorize = new AuthorizePayment(UUID.randomUUID(), customer, eur(400));
        UUID orderId = authorize.orderId();

        var voided = reply(send(command(new VoidAuthorization(orderId), "compensate")), AuthorizationVoided.class);
        var voidedAgain =
                reply(send(command(new VoidAuthorization(orderId), "compensate-again")), AuthorizationVoided.class);
        var late = reply(send(command(authorize, "forward")), PaymentDeclined.class);
        var replayed = reply(send(command(authorize, "forward-replayed")), PaymentDeclined.class);
        var capture = reply(send(new CapturePayment(orderId, eur(400))), PaymentCaptureFailed.class);

        assertThat(voided).isEqualTo(new AuthorizationVoided(orderId));
        assertThat(voidedAgain).isEqualTo(voided);
        assertThat(late.reason()).isEqualTo("order " + orderId + " was voided before it was authorized");
        assertThat(replayed).isEqualTo(late);
        assertThat(capture.reason()).isEqualTo("order " + orderId + " was voided before it was authorized");
        AccountView account = accounts.view(customer);
        assertThat(account.holds()).isEmpty();
        assertThat(account.held()).isZero();
        assertThat(account.charged()).isZero();
        assertThat(account.available()).isEqualTo(1_000);
        assertThat(holdCount(customer)).isZero();
    }

    @Test
    void aVoidTwiceReleasesTheHoldOnceAndRepliesVoidedBothTimes() {
        String customer = open(1_000, Account.Status.ACTIVE);
        var authorize = new AuthorizePayment(UUID.randomUUID(), customer, eur(1_000));
        reply(send(authorize), PaymentAuthorized.class);

        reply(send(new VoidAuthorization(authorize.orderId())), AuthorizationVoided.class);
        reply(send(new VoidAuthorization(authorize.orderId())), AuthorizationVoided.class);

        AccountView account = accounts.view(customer);
        assertThat(account.available()).isEqualTo(1_000);
        assertThat(account.holds())
                .singleElement()
                .satisfies(hold -> assertThat(hold.status()).isEqualTo(Hold.Status.VOIDED));
    }

    @Test
    void aVoidAfterTheCaptureRepliesVoidedButKeepsTheCharge() {
        String customer = open(1_000, Account.Status.ACTIVE);
        var authorize = new AuthorizePayment(UUID.randomUUID(), customer, eur(400));
        reply(send(authorize), PaymentAuthorized.class);
        reply(send(new CapturePayment(authorize.orderId(), eur(400))), PaymentCaptured.class);

        reply(send(new VoidAuthorization(authorize.orderId())), AuthorizationVoided.class);

        AccountView account = accounts.view(customer);
        assertThat(account.charged()).isEqualTo(400);
        assertThat(account.holds())
                .singleElement()
                .satisfies(hold -> assertThat(hold.status()).isEqualTo(Hold.Status.CAPTURED));
    }

    @Test
    void aSecondCaptureUnderANewIdempotencyKeyChargesNothingMore() {
        String customer = open(1_000, Account.Status.ACTIVE);
        var authorize = new AuthorizePayment(UUID.randomUUID(), customer, eur(600));
        reply(send(authorize), PaymentAuthorized.class);
        var capture = new CapturePayment(authorize.orderId(), eur(600));

        var first = reply(send(command(capture, "capture")), PaymentCaptured.class);
        var second = reply(send(command(capture, "capture-again")), PaymentCaptured.class);

        assertThat(second).isEqualTo(first);
        assertThat(accounts.view(customer).charged()).isEqualTo(600);
    }

    @Test
    void refundsACaptureOnceAndRefusesAnOrderWithoutOne() {
        String customer = open(1_000, Account.Status.ACTIVE);
        var authorize = new AuthorizePayment(UUID.randomUUID(), customer, eur(250));
        reply(send(authorize), PaymentAuthorized.class);
        reply(send(new CapturePayment(authorize.orderId(), eur(250))), PaymentCaptured.class);

        var refunded = reply(send(new RefundPayment(authorize.orderId(), "damaged")), PaymentRefunded.class);
        var again = reply(send(command(new RefundPayment(authorize.orderId(), "again"), "r2")), PaymentRefunded.class);
        var failed = reply(send(new RefundPayment(UUID.randomUUID(), "never paid")), PaymentRefundFailed.class);

        assertThat(refunded).isEqualTo(new PaymentRefunded(authorize.orderId(), eur(250)));
        assertThat(again).isEqualTo(refunded);
        assertThat(failed.reason()).contains("no captured payment");
        AccountView account = accounts.view(customer);
        assertThat(account.charged()).isZero();
        assertThat(account.available()).isEqualTo(1_000);
    }

    private String open(long limit, Account.Status status) {
        String customer = "customer-" + UUID.randomUUID();
        accounts.openIfAbsent(new Account(customer, "EUR", limit, status));
        return customer;
    }

    private String declined(AuthorizePayment authorize) {
        return reply(send(authorize), PaymentDeclined.class).reason();
    }

    private Envelope command(Record message, String action) {
        SagaId saga = SagaId.random();
        return Envelope.command(
                saga, MessageTypes.of(message), codec.toTree(message), saga + ":1:" + action, clock.instant());
    }

    private Envelope send(Record message) {
        return send(command(message, "step"));
    }

    private Envelope send(Envelope command) {
        try {
            producer.send(new ProducerRecord<>(COMMANDS, command.sagaId().toString(), codec.encode(command)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + COMMANDS, e);
        }
        return command;
    }

    private <T> T reply(Envelope command, Class<T> type) {
        Envelope reply = awaitReplyTo(command);
        assertThat(reply.type()).isEqualTo(type.getSimpleName());
        assertThat(reply.idempotencyKey()).isEqualTo(command.idempotencyKey());
        return codec.payload(reply, type);
    }

    private Envelope awaitReplyTo(Envelope command) {
        return awaitReplies(command, 1).getFirst();
    }

    private List<Envelope> awaitReplies(Envelope command, int count) {
        await("a reply to " + command.type())
                .atMost(TIMEOUT)
                .until(() -> repliesTo(command).size() >= count);
        return repliesTo(command);
    }

    private List<Envelope> repliesTo(Envelope command) {
        return replies.records().stream()
                .filter(record -> command.sagaId().toString().equals(record.key()))
                .map(record -> codec.decode(record.value()))
                .filter(reply -> command.messageId().equals(reply.inReplyTo()))
                .toList();
    }

    private long holdCount(String customer) {
        return jdbc.sql("SELECT count(*) FROM hold WHERE customer_id = :customer")
                .param("customer", customer)
                .query(Long.class)
                .single();
    }

    private long inboxEntries(Envelope command) {
        return jdbc.sql("SELECT count(*) FROM inbox WHERE message_id = :id")
                .param("id", command.messageId().value())
                .query(Long.class)
                .single();
    }

    private static Money eur(long minor) {
        return Money.of(minor, "EUR");
    }
}
