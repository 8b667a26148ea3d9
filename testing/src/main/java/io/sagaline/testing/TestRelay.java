package io.sagaline.testing;

import io.sagaline.testing.internal.Provisioning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The real outbox relay, run from its packaged jar as a child process over test databases, so a
 * test sees on Kafka what a service wrote to its outbox. Build it first ({@code ./mvnw package}
 * builds {@code outbox-relay} before the modules that test with it).
 */
public final class TestRelay implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final JavaProcess process;
    private final int httpPort;

    private TestRelay(JavaProcess process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /** Starts a relay over {@code databases} publishing to {@code kafkaBootstrap}; waits until it answers. */
    public static TestRelay start(String kafkaBootstrap, List<TestDatabase> databases) {
        return start(kafkaBootstrap, databases, Map.of());
    }

    /**
     * Like {@link #start(String, List)}, with extra environment for the relay, such as {@code
     * SAGALINE_RELAY_POLL_INTERVAL}.
     */
    public static TestRelay start(
            String kafkaBootstrap, List<TestDatabase> databases, Map<String, String> environment) {
        return start(TestInfrastructure.postgres(), kafkaBootstrap, databases, environment);
    }

    /**
     * Like {@link #start(String, List, Map)}, over databases of {@code postgres} instead of the
     * shared {@link TestInfrastructure#postgres()}, such as a {@link DedicatedPostgres}.
     */
    public static TestRelay start(
            PostgresServer postgres,
            String kafkaBootstrap,
            List<TestDatabase> databases,
            Map<String, String> environment) {
        if (databases.isEmpty()) {
            throw new IllegalArgumentException("a relay needs at least one database");
        }
        Path jar = Provisioning.repositoryRoot().resolve("outbox-relay/target/sagaline-outbox-relay.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -pl outbox-relay -am package");
        }
        Credentials relay = postgres.relayCredentials();
        int port = freePort();
        String first = databases.getFirst().name();
        JavaProcess process = JavaProcess.builder(jar)
                .env("SAGALINE_RELAY_HOST", postgres.host())
                .env("SAGALINE_RELAY_PORT", Integer.toString(postgres.port()))
                .env("SAGALINE_RELAY_USER", relay.user())
                .env("SAGALINE_RELAY_PASSWORD", relay.password())
                .env("SAGALINE_RELAY_DATABASES", distinct(databases, TestDatabase::name))
                .env("SAGALINE_RELAY_SCHEMAS", distinct(databases, TestDatabase::schema))
                .env("SAGALINE_RELAY_HTTP_PORT", Integer.toString(port))
                .env("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap)
                .env(environment)
                .jvmArg("-Xmx384m")
                .logFile(Path.of("target", "test-relay-logs", first + "-" + port + ".log")
                        .toAbsolutePath())
                .build();
        var testRelay = new TestRelay(process, port);
        testRelay.restart();
        return testRelay;
    }

    /**
     * The relay reads the same schemas in every database it relays: the schemas of one shared
     * database, or {@code public} in databases of their own.
     */
    private static String distinct(List<TestDatabase> databases, Function<TestDatabase, String> part) {
        return databases.stream().map(part).distinct().collect(Collectors.joining(","));
    }

    /** Starts the process again after {@link #kill9()} or a stop, and waits until it answers. */
    public void restart() {
        process.start();
        process.awaitHealthy(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health/liveness"), START_TIMEOUT);
    }

    /**
     * Waits until every engine streams. Only then is everything committed to the outbox from now
     * on published: a replication slot sees nothing committed before it was created. A relay over
     * a database whose service has not yet created its outbox waits for it (its services do the
     * same, through the messaging module's relay gate), so call this once the schema exists.
     */
    public void awaitStreaming(Duration timeout) {
        // The relay's health is UP (HTTP 200) only while every engine streams.
        process.awaitHealthy(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health"), timeout);
    }

    /** Kills the relay process without warning. */
    public void kill9() {
        process.kill9();
    }

    public JavaProcess process() {
        return process;
    }

    /** The relay's {@code /actuator/health} document, as JSON text. */
    public String health() {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the relay for its health", e);
        }
    }

    @Override
    public void close() {
        process.close();
    }

    private static int freePort() {

        return Ports.free();
    }
}
