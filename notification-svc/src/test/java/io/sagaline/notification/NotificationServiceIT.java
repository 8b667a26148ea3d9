package io.sagaline.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationFailed;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationSent;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationUndeliverable;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.messaging.contract.OrderLine;
import io.sagaline.testing.ApiClient;
import io.sagaline.testing.KafkaServer;
import io.sagaline.testing.Ports;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.ProblemContract;
import io.sagaline.testing.Records;
import io.sagaline.testing.TestAccounts;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import io.sagaline.testing.TestRelay;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * notification-svc as it runs: its own database, a real Kafka broker, the real outbox relay
 * carrying its replies, and a real SMTP server (GreenMail) in this JVM.
 */
class NotificationServiceIT {

    private static final String RUN = UUID.randomUUID().toString();
    private static final String COMMANDS = "notification-it-commands-" + RUN;
    private static final String REPLIES = "notification-it-replies-" + RUN;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final PostgresServer postgres = TestInfrastructure.postgres();
    private static final int SMTP_PORT = freePort();
    private static TestDatabase database;
    private static TestRelay relay;
    private static GreenMail smtp;
    private static ConfigurableApplicationContext app;
    private static Records replies;
    private static Records deadLetters;
    private static KafkaProducer<String, String> producer;
    private static EnvelopeCodec codec;
    private static JdbcClient jdbc;
    private static JsonMapper json;
    private static String api;

    @BeforeAll
    static void start() {
        KafkaServer kafka = TestInfrastructure.kafka();
        kafka.createTopics(1, COMMANDS, Topics.deadLetterOf(COMMANDS), REPLIES);
        // The relay first: the service holds its start until the relay's slot exists.
        database = postgres.createDatabase(PostgresServer.uniqueName("notification"));
        relay = TestRelay.start(kafka.bootstrapServers(), List.of(database));
        smtp = startSmtp();
        app = new SpringApplicationBuilder(NotificationApplication.class)
                .run(
                        "--spring.main.banner-mode=off",
                        "--server.port=0",
                        "--spring.datasource.url=" + database.jdbcUrl(),
                        "--spring.datasource.username=" + database.user(),
                        "--spring.datasource.password=" + database.password(),
                        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--spring.kafka.consumer.auto-offset-reset=earliest",
                        "--spring.mail.host=127.0.0.1",
                        "--spring.mail.port=" + SMTP_PORT,
                        "--sagaline.messaging.topics.create=false",
                        "--sagaline.messaging.retry.initial-interval=50ms",
                        "--sagaline.notification.commands-topic=" + COMMANDS,
                        "--sagaline.notification.replies-topic=" + REPLIES,
                        "--sagaline.notification.consumer-group=" + COMMANDS,
                        "--sagaline.security.operator.password=" + TestAccounts.OPERATOR_PASSWORD,
                        "--sagaline.security.viewer.password=" + TestAccounts.VIEWER_PASSWORD);
        codec = app.getBean(EnvelopeCodec.class);
        jdbc = app.getBean(JdbcClient.class);
        json = app.getBean(JsonMapper.class);
        api = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/api/notifications";
        replies = Records.consume(kafka.bootstrapServers(), REPLIES);
        deadLetters = Records.consume(kafka.bootstrapServers(), Topics.deadLetterOf(COMMANDS));
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {producer, replies, deadLetters, app, relay}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        if (smtp != null) {
            smtp.stop();
        }
        try (Admin admin = TestInfrastructure.kafka().adminClient()) {
            admin.deleteTopics(List.of(COMMANDS, Topics.deadLetterOf(COMMANDS), REPLIES))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        if (database != null) {
            postgres.dropDatabase(database.name());
        }
    }

    @Test
    void sendsOneConfirmationMailAndRepliesSent() throws Exception {
        UUID orderId = UUID.randomUUID();
        String email = email();
        Envelope command = command(SagaId.random(), order(orderId, email));

        send(command);

        Envelope reply = awaitReplyTo(command);
        assertThat(reply.type()).isEqualTo("OrderConfirmationSent");
        assertThat(codec.payload(reply, OrderConfirmationSent.class).orderId()).isEqualTo(orderId);
        assertThat(reply.idempotencyKey()).isEqualTo(command.idempotencyKey());
        List<MimeMessage> mails = mailsTo(email);
        assertThat(mails).hasSize(1);
        MimeMessage mail = mails.getFirst();
        assertThat(mail.getSubject()).contains(orderId.toString());
        assertThat(mail.getMessageID()).isEqualTo("<order-" + orderId + "@sagaline.example>");
        assertThat(Arrays.toString(mail.getFrom())).contains("orders@sagaline.example");
        assertThat(GreenMailUtil.getBody(mail))
                .contains("Order: " + orderId)
                .contains("2 x SKU-1 at 12.50 EUR = 25.00 EUR")
                .contains("1 x SKU-2 at 6.25 EUR = 6.25 EUR")
                .contains("Total: 31.25 EUR");
        assertThat(status(orderId)).isEqualTo("SENT");

        HttpResponse<String> listed = get("?orderId=" + orderId);
        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode notifications = json.readTree(listed.body());
        assertThat(notifications.size()).isOne();
        assertThat(notifications.get(0).get("orderId").asString()).isEqualTo(orderId.toString());
        assertThat(notifications.get(0).get("email").asString()).isEqualTo(email);
        assertThat(notifications.get(0).get("status").asString()).isEqualTo("SENT");
        assertThat(notifications.get(0).get("sentAt").isNull()).isFalse();
    }

    @Test
    void redeliveredCommandSendsNoSecondMailAndNoSecondReply() {
        SagaId saga = SagaId.random();
        UUID orderId = UUID.randomUUID();
        String email = email();
        Envelope command = command(saga, order(orderId, email));
        send(command);
        awaitReplyTo(command);

        send(command);
        awaitSentinel(saga);

        assertThat(mailsTo(email)).hasSize(1);
        assertThat(repliesTo(command)).hasSize(1);
    }

    @Test
    void retriedCommandGetsTheSameReplyWithoutASecondMail() {
        SagaId saga = SagaId.random();
        UUID orderId = UUID.randomUUID();
        String email = email();
        Envelope first = command(saga, order(orderId, email));
        send(first);
        awaitReplyTo(first);

        Envelope retry = retryOf(first);
        send(retry);

        Envelope reply = awaitReplyTo(retry);
        assertThat(reply.type()).isEqualTo("OrderConfirmationSent");
        assertThat(codec.payload(reply, OrderConfirmationSent.class).orderId()).isEqualTo(orderId);
        assertThat(mailsTo(email)).hasSize(1);
        assertThat(attempts(orderId)).isOne();
    }

    @Test
    void unreachableMailServerRepliesFailedAndARetryAfterItIsBackSendsExactlyOneMail() {
        SagaId saga = SagaId.random();
        UUID orderId = UUID.randomUUID();
        String email = email();
        Envelope first = command(saga, order(orderId, email));

        smtp.stop();
        try {
            send(first);
            Envelope failed = awaitReplyTo(first);
            assertThat(failed.type()).isEqualTo("OrderConfirmationFailed");
            assertThat(codec.payload(failed, OrderConfirmationFailed.class).reason())
                    .startsWith("mail server did not take the mail");
            assertThat(status(orderId)).isEqualTo("FAILED");
            assertThat(sentAtIsNull(orderId)).isTrue();
        } finally {
            smtp = startSmtp();
        }
        assertThat(mailsTo(email)).isEmpty();

        Envelope retry = retryOf(first);
        send(retry);

        assertThat(awaitReplyTo(retry).type()).isEqualTo("OrderConfirmationSent");
        assertThat(mailsTo(email)).hasSize(1);
        assertThat(status(orderId)).isEqualTo("SENT");
        assertThat(attempts(orderId)).isEqualTo(2);

        Envelope anotherRetry = retryOf(first);
        send(anotherRetry);
        assertThat(awaitReplyTo(anotherRetry).type()).isEqualTo("OrderConfirmationSent");
        assertThat(mailsTo(email)).hasSize(1);
    }

    @Test
    void aMailboxTheServerRefusesForGoodIsUndeliverableAndATemporaryRefusalIsRetryable() throws Exception {
        SagaId saga = SagaId.random();
        UUID orderId = UUID.randomUUID();
        String email = email();
        Envelope first = command(saga, order(orderId, email));
        Envelope retry = retryOf(first);

        smtp.stop();
        try {
            try (var busy = RefusingSmtpServer.start(SMTP_PORT, "450 4.2.1 mailbox busy, try later")) {
                send(first);
                Envelope failed = awaitReplyTo(first);
                assertThat(failed.type()).isEqualTo("OrderConfirmationFailed");
                assertThat(codec.payload(failed, OrderConfirmationFailed.class).reason())
                        .startsWith("mail server did not take the mail");
            }
            try (var unknown = RefusingSmtpServer.start(SMTP_PORT, "550 5.1.1 no such mailbox here")) {
                send(retry);
                Envelope undeliverable = awaitReplyTo(retry);
                assertThat(undeliverable.type()).isEqualTo("OrderConfirmationUndeliverable");
                assertThat(codec.payload(undeliverable, OrderConfirmationUndeliverable.class)
                                .reason())
                        .startsWith("undeliverable: ");
            }
        } finally {
            smtp = startSmtp();
        }
        assertThat(status(orderId)).isEqualTo("FAILED");
        assertThat(attempts(orderId)).isEqualTo(2);
        assertThat(mailsTo(email)).isEmpty();
    }

    @Test
    void sendLeftUnfinishedByADeadInstanceIsTakenOverAfterTheSendingTimeout() {
        UUID orderId = UUID.randomUUID();
        String email = email();
        claimAsSending(orderId, email, Instant.now().minus(Duration.ofHours(1)));
        Envelope command = command(SagaId.random(), order(orderId, email));

        send(command);

        assertThat(awaitReplyTo(command).type()).isEqualTo("OrderConfirmationSent");
        assertThat(mailsTo(email)).hasSize(1);
        assertThat(status(orderId)).isEqualTo("SENT");
        assertThat(attempts(orderId)).isEqualTo(2);
    }

    @Test
    void sendInFlightElsewhereIsNotRepeated() {
        SagaId saga = SagaId.random();
        UUID orderId = UUID.randomUUID();
        String email = email();
        claimAsSending(orderId, email, Instant.now());
        Envelope command = command(saga, order(orderId, email));

        send(command);
        awaitSentinel(saga);

        assertThat(mailsTo(email)).isEmpty();
        assertThat(repliesTo(command)).isEmpty();
        assertThat(status(orderId)).isEqualTo("SENDING");
    }

    @Test
    void commandForAnotherServiceIsDeadLettered() {
        SagaId saga = SagaId.random();
        Envelope foreign =
                Envelope.command(saga, "ReserveInventory", json.readTree("{}"), saga + ":2:reserve", Instant.now());

        send(foreign);

        await().atMost(TIMEOUT)
                .until(() -> deadLetters.records().stream()
                        .anyMatch(record ->
                                record.value().contains(foreign.messageId().toString())));
        assertThat(repliesTo(foreign)).isEmpty();
    }

    @Test
    void listingWithoutAnOrderIdIsAProblemNamingTheField() throws Exception {
        HttpResponse<String> response = get("");

        assertFieldProblem(response, "orderId");
    }

    @Test
    void listingWithAnOrderIdThatIsNoUuidIsAProblemNamingTheField() throws Exception {
        HttpResponse<String> response = get("?orderId=not-a-uuid");

        assertFieldProblem(response, "orderId");
        assertThat(jdbc.sql("SELECT count(*) FROM notification WHERE email = 'not-a-uuid'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void answersEveryMistakeInTheSharedShape() {
        var client = new ApiClient(api.replace("/api/notifications", ""));

        ProblemContract.assertParameterMistakes(
                client, "/api/notifications", "/api/notifications?orderId=not-a-uuid", "orderId");
    }

    @Test
    void hasNoChangeToMakeAndLetsOnlyTheOperatorAskForOne() {
        var client = new ApiClient(api.replace("/api/notifications", ""));
        String body = "{\"orderId\": \"" + UUID.randomUUID() + "\"}";

        var stranger = client.post("/api/notifications", body, Map.of());
        var viewer = client.post("/api/notifications", body, TestAccounts.header(TestAccounts.VIEWER));
        var operator = client.post("/api/notifications", body, TestAccounts.header(TestAccounts.OPERATOR));

        assertThat(stranger.status()).isEqualTo(401);
        assertThat(stranger.header("WWW-Authenticate")).startsWith("Basic");
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(operator.status())
                .as("no such change, even for the operator")
                .isEqualTo(405);
    }

    @Test
    void listingAnOrderWithoutMailIsEmpty() throws Exception {
        HttpResponse<String> response = get("?orderId=" + UUID.randomUUID());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).size()).isZero();
    }

    private static void assertFieldProblem(HttpResponse<String> response, String field) {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo(field);
        assertThat(problem.get("errors").get(0).get("message").asString()).isNotBlank();
    }

    private static SendOrderConfirmation order(UUID orderId, String email) {
        return new SendOrderConfirmation(
                orderId,
                email,
                List.of(
                        new OrderLine("SKU-1", 2, Money.of(1250, "EUR")),
                        new OrderLine("SKU-2", 1, Money.of(625, "EUR"))),
                Money.of(3125, "EUR"));
    }

    private static Envelope command(SagaId saga, SendOrderConfirmation order) {
        return Envelope.command(
                saga, "SendOrderConfirmation", codec.toTree(order), saga + ":5:" + order.orderId(), Instant.now());
    }

    /** What the orchestrator sends after a timeout or a failure: a new message under the same key. */
    private static Envelope retryOf(Envelope command) {
        return Envelope.command(
                command.sagaId(), command.type(), command.payload(), command.idempotencyKey(), Instant.now());
    }

    private static void send(Envelope envelope) {
        try {
            producer.send(new ProducerRecord<>(COMMANDS, envelope.sagaId().toString(), codec.encode(envelope)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + envelope.type(), e);
        }
    }

    /**
     * Sends a confirmation of another order in the same saga and waits for its reply: the commands
     * topic has one partition and is consumed in order, so everything sent before it was handled.
     */
    private static void awaitSentinel(SagaId saga) {
        Envelope sentinel = command(saga, order(UUID.randomUUID(), email()));
        send(sentinel);
        awaitReplyTo(sentinel);
    }

    private static Envelope awaitReplyTo(Envelope command) {
        await().atMost(TIMEOUT).until(() -> !repliesTo(command).isEmpty());
        return repliesTo(command).getFirst();
    }

    private static List<Envelope> repliesTo(Envelope command) {
        return replies.records().stream()
                .map(ConsumerRecord::value)
                .map(codec::decode)
                .filter(reply -> command.messageId().equals(reply.inReplyTo()))
                .toList();
    }

    private static List<MimeMessage> mailsTo(String email) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(mail -> recipients(mail).contains(email))
                .toList();
    }

    private static String recipients(MimeMessage mail) {
        try {
            return Arrays.toString(mail.getRecipients(Message.RecipientType.TO));
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void claimAsSending(UUID orderId, String email, Instant claimedAt) {
        jdbc.sql("""
                        INSERT INTO notification (order_id, email, subject, message_id, status, claim_token, claimed_at, attempts)
                        VALUES (:orderId, :email, 'subject', 'id', 'SENDING', :token, :claimedAt, 1)
                        """)
                .param("orderId", orderId)
                .param("email", email)
                .param("token", UUID.randomUUID())
                .param("claimedAt", Timestamp.from(claimedAt))
                .update();
    }

    private static String status(UUID orderId) {
        return jdbc.sql("SELECT status FROM notification WHERE order_id = :orderId")
                .param("orderId", orderId)
                .query(String.class)
                .single();
    }

    private static int attempts(UUID orderId) {
        return jdbc.sql("SELECT attempts FROM notification WHERE order_id = :orderId")
                .param("orderId", orderId)
                .query(Integer.class)
                .single();
    }

    private static boolean sentAtIsNull(UUID orderId) {
        return jdbc.sql("SELECT sent_at IS NULL FROM notification WHERE order_id = :orderId")
                .param("orderId", orderId)
                .query(Boolean.class)
                .single();
    }

    private static HttpResponse<String> get(String query) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(
                    HttpRequest.newBuilder(URI.create(api + query)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static String email() {
        return "customer-" + UUID.randomUUID() + "@example.org";
    }

    /** Starts the mail server; waits up to 10 s for its port, which a server closed just before may hold. */
    private static GreenMail startSmtp() {
        return await("mail server on port " + SMTP_PORT)
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(
                        () -> {
                            var server =
                                    new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
                            try {
                                server.start();
                                return server;
                            } catch (IllegalStateException e) {
                                server.stop();
                                throw e;
                            }
                        },
                        started -> true);
    }

    private static int freePort() {

        return Ports.free();
    }
}
