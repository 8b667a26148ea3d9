package io.sagaline.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.SagaId;
import io.sagaline.testing.Credentials;
import io.sagaline.testing.DedicatedPostgres;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.Records;
import io.sagaline.testing.SaslSslKafka;
import io.sagaline.testing.TestCertificates;
import io.sagaline.testing.TestInfrastructure;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay over what docs/security.md prescribes: PostgreSQL reached only over TLS, verified
 * against the authority ({@code verify-full}), with SCRAM-SHA-256 passwords; Kafka reached only over
 * SASL_SSL with SCRAM-SHA-512. Both servers are local processes of this test with a throwaway
 * authority, and the relay takes its settings from the environment variables the document names.
 */
class RelayOverTlsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Credentials RELAY = new Credentials("sagaline-relay", password());
    private static final Credentials READER = new Credentials("sagaline-reader", password());

    private static TestCertificates certificates;
    private static DedicatedPostgres postgres;
    private static SaslSslKafka kafka;
    private static RelayFixture fixture;
    private static String topic;
    private static String refusedTopic;

    @BeforeAll
    static void startServersAndRelay() {
        assumeFalse(
                TestInfrastructure.mode() == TestInfrastructure.Mode.TESTCONTAINERS,
                "the TLS servers are local processes with a test authority; the Testcontainers images are not set up for TLS");
        String run = PostgresServer.uniqueName("tls");
        certificates = TestCertificates.create(Path.of("target", run).toAbsolutePath());
        postgres = TestInfrastructure.dedicatedPostgres("relay-tls");
        postgres.requireTls(certificates);
        kafka = TestInfrastructure.dedicatedSaslSslKafka("relay-tls", certificates);
        kafka.createScramUser(RELAY);
        kafka.createScramUser(READER);
        topic = run + ".out";
        refusedTopic = run + ".refused";
        kafka.createTopics(1, topic, refusedTopic);

        fixture = new RelayFixture(postgres, "relaytls", kafka.saslSslBootstrapServers(), List.of("payment"));
        Map<String, String> environment = kafka.springEnvironment(RELAY);
        environment.put("SAGALINE_RELAY_SSL_MODE", "verify-full");
        environment.put(
                "SAGALINE_RELAY_SSL_ROOT_CERT", certificates.caCertificate().toString());
        fixture.startRelay(environment);
    }

    @AfterAll
    static void stopAll() {
        if (fixture != null) {
            fixture.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void relaysAnOutboxMessageFromPostgresOverTlsToKafkaOverSaslSsl() throws SQLException {
        Envelope message = RelayFixture.message(SagaId.random(), "OverTls", 1);

        try (Records records = Records.consume(kafka.clientConfig(READER), List.of(topic))) {
            fixture.service("payment").write(topic, message);

            List<ConsumerRecord<String, String>> received = records.awaitCount(1, TIMEOUT);
            assertThat(received)
                    .extracting(record -> RelayFixture.CODEC.decode(record.value()))
                    .containsExactly(message);
        }
        // The replication stream included: every session of the relay's role runs over TLS.
        assertThat(sessionsOf(postgres.relayCredentials().user()))
                .contains("walsender ssl")
                .allSatisfy(session -> assertThat(session).endsWith(" ssl"));
    }

    @Test
    void refusesPostgresConnectionsWithoutTlsAndKeepsScramPasswords() throws SQLException {
        Credentials relay = postgres.relayCredentials();
        String database = fixture.service("payment").database().name();

        Throwable plain =
                catchThrowable(() -> connect(database, relay, "sslmode=disable").close());

        assertThat(plain)
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("no pg_hba.conf entry")
                .hasMessageContaining("no encryption");
        try (Connection superuser = connect("postgres", postgres.superuser(), certificates.jdbcVerifyFull());
                var rules = superuser
                        .createStatement()
                        .executeQuery("SELECT type, auth_method FROM pg_hba_file_rules WHERE type <> 'local'");
                var verifiers = superuser
                        .createStatement()
                        .executeQuery("SELECT rolname FROM pg_authid WHERE rolpassword LIKE 'SCRAM-SHA-256$%'")) {
            List<String> tcpRules = new ArrayList<>();
            while (rules.next()) {
                tcpRules.add(rules.getString(1) + " " + rules.getString(2));
            }
            assertThat(tcpRules).isNotEmpty().containsOnly("hostssl scram-sha-256");
            List<String> scramRoles = new ArrayList<>();
            while (verifiers.next()) {
                scramRoles.add(verifiers.getString(1));
            }
            assertThat(scramRoles).contains(relay.user(), database);
        }
    }

    @Test
    void refusesKafkaClientsWithoutValidScramCredentials() {
        Map<String, Object> tlsWithoutLogin = kafka.clientConfig(READER);
        tlsWithoutLogin.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        tlsWithoutLogin.remove(SaslConfigs.SASL_MECHANISM);
        tlsWithoutLogin.remove(SaslConfigs.SASL_JAAS_CONFIG);
        Credentials wrongPassword = new Credentials(RELAY.user(), "not-" + RELAY.password());

        // The broker hangs up on every request made before a SASL login, so none gets an answer.
        assertThat(produceFails(tlsWithoutLogin)).isInstanceOf(TimeoutException.class);
        assertThat(produceFails(kafka.clientConfig(wrongPassword))).isInstanceOf(SaslAuthenticationException.class);
    }

    /** Sends one record with {@code config} and returns why it failed. */
    private static Throwable produceFails(Map<String, Object> config) {
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            Throwable failure = catchThrowable(() -> producer.send(new ProducerRecord<>(refusedTopic, "key", "value"))
                    .get(30, TimeUnit.SECONDS));
            assertThat(failure).as("sending without valid credentials").isNotNull();
            return failure instanceof ExecutionException ? failure.getCause() : failure;
        }
    }

    /** Each session of {@code user}: its backend type, then {@code ssl} or {@code plain}. */
    private static List<String> sessionsOf(String user) throws SQLException {
        try (Connection superuser = connect("postgres", postgres.superuser(), certificates.jdbcVerifyFull());
                var statement = superuser.prepareStatement("""
                        SELECT a.backend_type, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
                        WHERE a.usename = ?
                        """)) {
            statement.setString(1, user);
            List<String> sessions = new ArrayList<>();
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    sessions.add(rows.getString(1) + (rows.getBoolean(2) ? " ssl" : " plain"));
                }
            }
            return sessions;
        }
    }

    private static Connection connect(String database, Credentials credentials, String parameters) throws SQLException {
        var properties = new Properties();
        properties.setProperty("user", credentials.user());
        properties.setProperty("password", credentials.password());
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(postgres.jdbcUrl(database) + "?" + parameters, properties);
    }

    private static String password() {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
