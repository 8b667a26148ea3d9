package io.sagaline.testing;

import io.sagaline.testing.internal.Provisioning;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL and Kafka servers integration tests run against, chosen once per JVM:
 *
 * <ol>
 *   <li>{@link Mode#EXTERNAL} when {@code SAGALINE_TEST_PG_HOST} and {@code
 *       SAGALINE_TEST_KAFKA_BOOTSTRAP} are set (also {@code SAGALINE_TEST_PG_PORT}, default 5432,
 *       {@code SAGALINE_TEST_PG_SUPERUSER}, default {@code postgres}, and {@code
 *       SAGALINE_TEST_PG_SUPERUSER_PASSWORD}, default {@code postgres});
 *   <li>{@link Mode#TESTCONTAINERS} when a Docker engine answers;
 *   <li>{@link Mode#LOCAL_PROCESSES} otherwise: {@code infra/local/start} runs PostgreSQL on port
 *       55432 and Kafka on 59092 with data in {@code <repo>/.data/test}, and leaves them running
 *       for the next run.
 * </ol>
 *
 * {@code SAGALINE_TEST_MODE} ({@code external}, {@code testcontainers} or {@code local}) forces a
 * mode. Servers start lazily on first use, once per JVM; every method is thread-safe. A server that
 * fails to start fails every later call with the same cause instead of trying again.
 */
public final class TestInfrastructure {

    /** Where the servers come from. */
    public enum Mode {
        /** Servers someone else runs, named by {@code SAGALINE_TEST_*} environment variables. */
        EXTERNAL,
        /** Containers started by Testcontainers, removed when the JVM exits. */
        TESTCONTAINERS,
        /** Processes started by {@code infra/local/start}, left running after the JVM exits. */
        LOCAL_PROCESSES
    }

    private static final Lazy<Mode> MODE = new Lazy<>("choosing the test infrastructure", Provisioning::chooseMode);
    private static final Lazy<PostgresServer> POSTGRES =
            new Lazy<>("starting PostgreSQL", () -> Provisioning.postgres(mode()));
    private static final Lazy<KafkaServer> KAFKA = new Lazy<>("starting Kafka", () -> Provisioning.kafka(mode()));

    private TestInfrastructure() {}

    public static Mode mode() {
        return MODE.get();
    }

    /** The PostgreSQL server shared by every test in this JVM, started on first call. */
    public static PostgresServer postgres() {
        return POSTGRES.get();
    }

    /** The Kafka cluster shared by every test in this JVM, started on first call. */
    public static KafkaServer kafka() {
        return KAFKA.get();
    }

    /**
     * Starts a Kafka broker of the test's own, as a local process in every mode (it needs only a
     * JDK), with data in {@code <repo>/.data/test/dedicated-<name>}. Data left there by an earlier
     * run is deleted first. The caller closes it.
     *
     * @param name letters, digits, {@code -} and {@code _}; unique among the brokers running at once
     */
    public static DedicatedKafka dedicatedKafka(String name) {
        return Provisioning.dedicatedKafka(name);
    }

    /**
     * Like {@link #dedicatedKafka(String)}, with a second listener where clients connect over
     * SASL_SSL: TLS with {@code certificates}' server certificate, then SCRAM-SHA-512. See {@link
     * SaslSslKafka}. The caller closes it.
     */
    public static SaslSslKafka dedicatedSaslSslKafka(String name, TestCertificates certificates) {
        return Provisioning.dedicatedSaslSslKafka(name, certificates);
    }

    /**
     * Starts a PostgreSQL server of the test's own, with {@code wal_level=logical} like {@link
     * #postgres()}, as a local process in every mode (PostgreSQL's server binaries must be
     * installed; as root it runs as the {@code postgres} OS user), on a free port with data in
     * {@code <repo>/.data/test/dedicated-pg-<name>}. Data left there by an earlier run is deleted
     * first. The caller closes it.
     *
     * @param name 1 to 32 letters, digits, {@code -} and {@code _}; unique among the servers running
     *     at once
     */
    public static DedicatedPostgres dedicatedPostgres(String name) {
        return Provisioning.dedicatedPostgres(name);
    }

    private static final class Lazy<T> {

        private final String what;
        private final Supplier<T> factory;
        private @Nullable T value;
        private @Nullable RuntimeException failure;

        Lazy(String what, Supplier<T> factory) {
            this.what = what;
            this.factory = factory;
        }

        synchronized T get() {
            if (value != null) {
                return value;
            }
            if (failure != null) {
                throw new IllegalStateException(what + " failed earlier in this JVM", failure);
            }
            try {
                value = factory.get();
                return value;
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
    }
}
