package io.sagaline.testing.internal;

import io.sagaline.testing.DedicatedKafka;
import io.sagaline.testing.DedicatedPostgres;
import io.sagaline.testing.KafkaServer;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.SaslSslKafka;
import io.sagaline.testing.TestCertificates;
import io.sagaline.testing.TestInfrastructure.Mode;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;

/** The one entry point of the internals, for {@link io.sagaline.testing.TestInfrastructure}. */
public final class Provisioning {

    private Provisioning() {}

    public static Mode chooseMode() {
        Mode mode = forcedMode();
        String reason = "forced by " + Env.MODE;
        if (mode == null) {
            if (ExternalServers.configured()) {
                mode = Mode.EXTERNAL;
                reason = Env.PG_HOST + " and " + Env.KAFKA_BOOTSTRAP + " are set";
            } else if (DockerClientFactory.instance().isDockerAvailable()) {
                mode = Mode.TESTCONTAINERS;
                reason = "a Docker engine answers";
            } else {
                mode = Mode.LOCAL_PROCESSES;
                reason = "no " + Env.PG_HOST + "/" + Env.KAFKA_BOOTSTRAP + " and no Docker engine";
            }
        }
        System.out.println("[sagaline-testing] test infrastructure: " + mode + " (" + reason + ")");
        return mode;
    }

    private static @Nullable Mode forcedMode() {
        String forced = Env.get(Env.MODE);
        if (forced == null) {
            return null;
        }
        return switch (forced.toLowerCase(Locale.ROOT)) {
            case "external" -> Mode.EXTERNAL;
            case "testcontainers" -> Mode.TESTCONTAINERS;
            case "local", "local_processes" -> Mode.LOCAL_PROCESSES;
            default ->
                throw new IllegalStateException(
                        Env.MODE + " must be external, testcontainers or local, got '" + forced + "'");
        };
    }

    public static PostgresServer postgres(Mode mode) {
        JdbcPostgresServer server = switch (mode) {
            case EXTERNAL -> ExternalServers.postgres();
            case TESTCONTAINERS -> ContainerServers.postgres();
            case LOCAL_PROCESSES -> LocalServers.postgres();
        };
        Readiness.awaitPostgres(server);
        return server;
    }

    public static KafkaServer kafka(Mode mode) {
        KafkaServer server = switch (mode) {
            case EXTERNAL -> ExternalServers.kafka();
            case TESTCONTAINERS -> ContainerServers.kafka();
            case LOCAL_PROCESSES -> LocalServers.kafka();
        };
        Readiness.awaitKafka(server);
        return server;
    }

    public static DedicatedKafka dedicatedKafka(String name) {
        return LocalDedicatedKafka.create(name);
    }

    public static SaslSslKafka dedicatedSaslSslKafka(String name, TestCertificates certificates) {
        return LocalSaslSslKafka.create(name, certificates);
    }

    public static DedicatedPostgres dedicatedPostgres(String name) {
        return LocalDedicatedPostgres.create(name);
    }

    /**
     * Runs {@code script component} of infra/local (such as {@code infra/local/start connect}) with
     * {@code env} added, showing its output as it comes.
     *
     * @throws IllegalStateException if it fails
     */
    public static void runLocalScript(String script, String component, java.util.Map<String, String> env) {
        LocalScripts.run(script, component, env);
    }

    /** The root of the repository the tests run in. */
    public static java.nio.file.Path repositoryRoot() {
        return LocalScripts.repositoryRoot();
    }
}
