package io.sagaline.testing;

import java.util.Map;

/**
 * A {@link DedicatedKafka} that also serves clients over SASL_SSL: TLS with a certificate of {@link
 * TestCertificates}, then SCRAM-SHA-512 passwords of the users {@link #createScramUser} made. A
 * client there without valid credentials can neither read nor write.
 *
 * <p>{@link #bootstrapServers()}, {@link #adminClient()} and {@link #createTopics} stay on the
 * plaintext listener: the test's own door to the broker, for setting it up. Give the code under
 * test {@link #saslSslBootstrapServers()}. Thread-safe like {@link DedicatedKafka}.
 */
public interface SaslSslKafka extends DedicatedKafka {

    /** The only SASL mechanism the SASL_SSL listener offers. */
    String MECHANISM = "SCRAM-SHA-512";

    /** The {@code bootstrap.servers} value of the SASL_SSL listener, {@code 127.0.0.1:port}. */
    String saslSslBootstrapServers();

    /**
     * Creates the SCRAM-SHA-512 user {@code user}, or gives an existing one a new password, and
     * returns once the SASL_SSL listener accepts it.
     *
     * @throws IllegalStateException if the broker refuses or does not accept the user within 30 s
     */
    void createScramUser(Credentials user);

    /**
     * The settings of a Kafka client that connects to the SASL_SSL listener as {@code user}: {@code
     * bootstrap.servers}, {@code security.protocol}, the trust store of {@link TestCertificates},
     * {@code sasl.mechanism} and {@code sasl.jaas.config}. A new mutable map.
     */
    Map<String, Object> clientConfig(Credentials user);

    /**
     * The same for a Spring Boot application, as the environment variables docs/security.md gives a
     * deployment: {@code SPRING_KAFKA_BOOTSTRAP_SERVERS}, {@code SPRING_KAFKA_SECURITY_PROTOCOL},
     * {@code SPRING_KAFKA_SSL_TRUST_STORE_*} and {@code SPRING_KAFKA_PROPERTIES_SASL_*}. A new
     * mutable map.
     */
    Map<String, String> springEnvironment(Credentials user);

    /** The {@code sasl.jaas.config} value that logs in as {@code user} with SCRAM. */
    static String jaasConfig(Credentials user) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + quoted(user.user())
                + "\" password=\"" + quoted(user.password()) + "\";";
    }

    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
