package io.sagaline.testing.internal;

import static org.awaitility.Awaitility.await;

import io.sagaline.testing.Credentials;
import io.sagaline.testing.Ports;
import io.sagaline.testing.SaslSslKafka;
import io.sagaline.testing.TestCertificates;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A broker of one test's own, run by infra/local/start kafka, with a SASL_SSL listener added
 * through {@code SAGALINE_KAFKA_EXTRA_PROPERTIES} next to infra/local's plaintext and controller
 * listeners.
 */
final class LocalSaslSslKafka implements SaslSslKafka {

    private static final String LISTENER = "SASL_SSL";
    private static final String PREFIX = "listener.name.sasl_ssl.";
    // Kafka's floor for SCRAM; more only costs time at every login.
    private static final int ITERATIONS = 4096;
    private static final Duration USER_TIMEOUT = Duration.ofSeconds(30);

    private final LocalDedicatedKafka broker;
    private final int saslSslPort;
    private final TestCertificates certificates;

    private LocalSaslSslKafka(LocalDedicatedKafka broker, int saslSslPort, TestCertificates certificates) {
        this.broker = broker;
        this.saslSslPort = saslSslPort;
        this.certificates = certificates;
    }

    static LocalSaslSslKafka create(String name, TestCertificates certificates) {
        int port = Ports.free();
        int controllerPort = Ports.free();
        int saslSslPort = Ports.free();
        String host = LocalServers.HOST;
        // listeners and advertised.listeners restate infra/local's two, which they replace.
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(
                "listeners",
                "PLAINTEXT://%s:%d,CONTROLLER://%s:%d,%s://%s:%d"
                        .formatted(host, port, host, controllerPort, LISTENER, host, saslSslPort));
        properties.put(
                "advertised.listeners",
                "PLAINTEXT://%s:%d,%s://%s:%d".formatted(host, port, LISTENER, host, saslSslPort));
        properties.put(
                "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,%s:SASL_SSL".formatted(LISTENER));
        properties.put("sasl.enabled.mechanisms", MECHANISM);
        // The broker only checks passwords here; it logs in to no one over this listener.
        properties.put(
                PREFIX + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        properties.put(PREFIX + SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        properties.put(
                PREFIX + SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG,
                certificates.keyStore().toString());
        properties.put(PREFIX + SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, certificates.storePassword());
        properties.put(PREFIX + SslConfigs.SSL_KEY_PASSWORD_CONFIG, certificates.storePassword());
        return new LocalSaslSslKafka(
                LocalDedicatedKafka.create(name, port, controllerPort, properties), saslSslPort, certificates);
    }

    @Override
    public String saslSslBootstrapServers() {
        return LocalServers.HOST + ":" + saslSslPort;
    }

    @Override
    public void createScramUser(Credentials user) {
        var upsert = new UserScramCredentialUpsertion(
                user.user(), new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), user.password());
        try (Admin admin = adminClient()) {
            admin.alterUserScramCredentials(List.of(upsert)).all().get(USER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create SCRAM user " + user.user() + " on " + this, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating SCRAM user " + user.user(), e);
        }
        awaitLogin(user);
    }

    @Override
    public Map<String, Object> clientConfig(Credentials user) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, saslSslBootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, LISTENER);
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        config.put(
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                certificates.trustStore().toString());
        config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, certificates.storePassword());
        config.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, SaslSslKafka.jaasConfig(user));
        return config;
    }

    @Override
    public Map<String, String> springEnvironment(Credentials user) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", saslSslBootstrapServers());
        environment.put("SPRING_KAFKA_SECURITY_PROTOCOL", LISTENER);
        environment.put("SPRING_KAFKA_SSL_TRUST_STORE_LOCATION", "file:" + certificates.trustStore());
        environment.put("SPRING_KAFKA_SSL_TRUST_STORE_TYPE", "PKCS12");
        environment.put("SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD", certificates.storePassword());
        environment.put("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", MECHANISM);
        environment.put("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", SaslSslKafka.jaasConfig(user));
        return environment;
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public void kill() {
        broker.kill();
    }

    @Override
    public void start() {
        broker.start();
    }

    @Override
    public void close() {
        broker.close();
    }

    @Override
    public String toString() {
        return "dedicated Kafka with SASL_SSL on " + saslSslBootstrapServers();
    }

    /** The broker learns of a new user from the metadata log a moment after the controller commits it. */
    private void awaitLogin(Credentials user) {
        Map<String, Object> config = clientConfig(user);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        var lastError = new AtomicReference<@Nullable Exception>();
        try {
            await("SCRAM user " + user.user() + " accepted on " + saslSslBootstrapServers())
                    .atMost(USER_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .pollInSameThread()
                    .until(() -> {
                        try (Admin admin = Admin.create(config)) {
                            admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                            return true;
                        } catch (ExecutionException | TimeoutException e) {
                            lastError.set(e);
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    "SCRAM user " + user.user() + " could not log in to " + saslSslBootstrapServers() + " within "
                            + USER_TIMEOUT.toSeconds() + " s",
                    lastError.get());
        }
    }
}
