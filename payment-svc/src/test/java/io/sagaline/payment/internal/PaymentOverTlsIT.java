package io.sagaline.payment.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.testing.Credentials;
import io.sagaline.testing.DedicatedPostgres;
import io.sagaline.testing.JavaProcess;
import io.sagaline.testing.Ports;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.Records;
import io.sagaline.testing.SaslSslKafka;
import io.sagaline.testing.TestAccounts;
import io.sagaline.testing.TestCertificates;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import io.sagaline.testing.TestRelay;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged service configured as docs/security.md configures a deployment, through environment
 * variables only: PostgreSQL over TLS checked against the authority ({@code verify-full}) with a
 * SCRAM password, Kafka over SASL_SSL as a SCRAM-SHA-512 user of its own. The real relay carries
 * its replies the same way. Both servers are local processes of this test.
 */
class PaymentOverTlsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Credentials SERVICE = new Credentials("payment-svc", password());
    private static final Credentials RELAY = new Credentials("sagaline-relay", password());
    private static final Credentials ORCHESTRATOR = new Credentials("orchestrator", password());
    private static final EnvelopeCodec CODEC =
            new EnvelopeCodec(JsonMapper.builder().build());

    private static DedicatedPostgres postgres;
    private static SaslSslKafka kafka;
    private static TestRelay relay;
    private static JavaProcess service;

    @BeforeAll
    static void startServersRelayAndService() {
        assumeFalse(
                TestInfrastructure.mode() == TestInfrastructure.Mode.TESTCONTAINERS,
                "the TLS servers are local processes with a test authority; the Testcontainers images are not set up for TLS");
        String run = PostgresServer.uniqueName("payment_tls");
        TestCertificates certificates =
                TestCertificates.create(Path.of("target", run).toAbsolutePath());
        postgres = TestInfrastructure.dedicatedPostgres("payment-tls");
        postgres.requireTls(certificates);
        kafka = TestInfrastructure.dedicatedSaslSslKafka("payment-tls", certificates);
        for (Credentials user : List.of(SERVICE, RELAY, ORCHESTRATOR)) {
            kafka.createScramUser(user);
        }
        TestDatabase database = postgres.createDatabase(run);

        // Before the service: it holds its start until the relay's slot exists in its database.
        Map<String, String> relayEnvironment = kafka.springEnvironment(RELAY);
        relayEnvironment.put("SAGALINE_RELAY_SSL_MODE", "verify-full");
        relayEnvironment.put(
                "SAGALINE_RELAY_SSL_ROOT_CERT", certificates.caCertificate().toString());
        relay = TestRelay.start(postgres, kafka.saslSslBootstrapServers(), List.of(database), relayEnvironment);

        int port = Ports.free();
        service = JavaProcess.builder(jar())
                .env("SERVER_PORT", Integer.toString(port))
                .env("SPRING_DATASOURCE_URL", database.jdbcUrl() + "?" + certificates.jdbcVerifyFull())
                .env("SPRING_DATASOURCE_USERNAME", database.user())
                .env("SPRING_DATASOURCE_PASSWORD", database.password())
                .env(kafka.springEnvironment(SERVICE))
                .env(TestAccounts.environment())
                .jvmArg("-Xmx320m")
                .logFile(Path.of("target", "payment-tls-logs", run + ".log").toAbsolutePath())
                .build()
                .start();
        service.awaitHealthy(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"), START_TIMEOUT);
        relay.awaitStreaming(START_TIMEOUT);
    }

    @AfterAll
    static void stopAll() {
        if (service != null) {
            service.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void answersACommandOverTlsWithScramPasswords() throws Exception {
        var authorize = new AuthorizePayment(UUID.randomUUID(), "nobody", Money.of(100, "EUR"));
        SagaId saga = SagaId.random();
        Envelope command = Envelope.command(
                saga, MessageTypes.of(authorize), CODEC.toTree(authorize), saga + ":1:authorize", Instant.now());

        try (Records replies = Records.consume(kafka.clientConfig(ORCHESTRATOR), List.of(Topics.SAGA_REPLIES));
                var producer = new KafkaProducer<>(
                        kafka.clientConfig(ORCHESTRATOR), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.PAYMENT_COMMANDS, saga.toString(), CODEC.encode(command)))
                    .get(30, TimeUnit.SECONDS);

            await("the reply to " + command.type())
                    .atMost(TIMEOUT)
                    .until(() -> replies.records().stream()
                            .anyMatch(record -> command.messageId()
                                    .equals(CODEC.decode(record.value()).inReplyTo())));
            Envelope reply = replies.records().stream()
                    .map(record -> CODEC.decode(record.value()))
                    .filter(envelope -> command.messageId().equals(envelope.inReplyTo()))
                    .findFirst()
                    .orElseThrow();
            assertThat(reply.type()).isEqualTo(MessageTypes.of(PaymentDeclined.class));
            assertThat(CODEC.payload(reply, PaymentDeclined.class).reason()).contains("unknown account");
        }
    }

    private static Path jar() {
        Path jar = Path.of("target", "sagaline-payment-svc.jar").toAbsolutePath();
        assertThat(jar).as("the packaged service; failsafe runs after package").isRegularFile();
        return jar;
    }

    private static String password() {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
