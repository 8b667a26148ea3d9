package io.sagaline.testing;

import static org.awaitility.Awaitility.await;

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
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A distributed Kafka Connect cluster of local worker processes that relays outboxes with the
 * Debezium connector of {@code infra/connect/} instead of the embedded relay. Started and
 * stopped by {@code infra/local/start connect} and {@code stop connect}, in a data dir of its own,
 * with a group id and internal topics of its own, so that clusters of several tests never meet.
 */
public final class TestConnect implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Path dataDir;
    private final int firstPort;
    private final int workers;
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestConnect(Path dataDir, int firstPort, int workers, Map<String, String> env) {
        this.dataDir = dataDir;
        this.firstPort = firstPort;
        this.workers = workers;
        this.env = env;
    }

    /**
     * Starts {@code workers} workers against the broker at {@code kafkaBootstrap} (on this host),
     * whose connectors reach {@code postgres} as its relay role.
     */
    public static TestConnect start(String name, int workers, PostgresServer postgres, String kafkaBootstrap) {
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path dataDir = Provisioning.repositoryRoot().resolve(".data/test/connect-" + id);
        int firstPort = Ports.freeRange(workers);
        Map<String, String> env = new HashMap<>();
        env.put("SAGALINE_DATA_DIR", dataDir.toString());
        env.put("SAGALINE_KAFKA_PORT", kafkaBootstrap.substring(kafkaBootstrap.lastIndexOf(':') + 1));
        env.put("SAGALINE_CONNECT_WORKERS", Integer.toString(workers));
        env.put("SAGALINE_CONNECT_PORT", Integer.toString(firstPort));
        env.put("SAGALINE_CONNECT_GROUP", "sagaline-connect-" + id);
        env.put("SAGALINE_RELAY_HOST", postgres.host());
        env.put("SAGALINE_RELAY_DB_PASSWORD", postgres.relayCredentials().password());
        var connect = new TestConnect(dataDir, firstPort, workers, Map.copyOf(env));
        connect.startStopped();
        return connect;
    }

    /** Starts every worker that does not run, and waits until each answers. */
    public void startStopped() {
        Provisioning.runLocalScript("infra/local/start", "connect", env);
    }

    /**
     * Registers the connector of {@code file} (relative to infra/connect/) for {@code database} on
     * {@code postgres}: the file as it is, with the database, its slot and topic prefix, and where
     * the server listens put in. Waits until the connector and its task run.
     */
    public String register(String file, PostgresServer postgres, String database) {
        JsonNode connector = readConnector(file);
        String original = connector.path("config").path("database.dbname").asString();
        var config = (ObjectNode) connector.path("config").deepCopy();
        config.properties().forEach(entry -> {
            if (entry.getValue().isString()) {
                String value = entry.getValue().asString();
                String renamed = switch (entry.getKey()) {
                    case "database.dbname" -> database;
                    // sagaline_outbox_<database> and sagaline.<database>
                    case "slot.name", "topic.prefix" ->
                        value.endsWith(original)
                                ? value.substring(0, value.length() - original.length()) + database
                                : value;
                    default ->
                        entry.getKey().startsWith("predicates.")
                                        && entry.getKey().endsWith(".pattern")
                                ? value.replace("\\." + original + "\\.", "\\." + database + "\\.")
                                : value;
                };
                config.put(entry.getKey(), renamed);
            }
        });
        config.put("database.port", Integer.toString(postgres.port()));
        config.put("database.user", postgres.relayCredentials().user());
        String name = connector.path("name").asString() + "-" + database;
        send(HttpRequest.newBuilder(uri("/connectors/" + name + "/config"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(config.toString())));
        awaitRunning(name);
        return name;
    }

    /** Waits until the connector and every one of its tasks run. */
    public void awaitRunning(String connector) {
        await("connector " + connector + " and its tasks running")
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    JsonNode status = status(connector);
                    JsonNode tasks = status.path("tasks");
                    boolean tasksRun = !tasks.isEmpty();
                    for (JsonNode task : tasks) {
                        tasksRun &= task.path("state").asString().equals("RUNNING");
                    }
                    return status.path("connector").path("state").asString().equals("RUNNING") && tasksRun;
                });
    }

    /** The worker (1 to n) that runs the connector's first task. */
    public int workerOfTask(String connector) {
        String workerId =
                status(connector).path("tasks").path(0).path("worker_id").asString();
        return Integer.parseInt(workerId.substring(workerId.lastIndexOf(':') + 1)) - firstPort + 1;
    }

    /** Waits until the connector's task runs on another worker than {@code worker}. */
    public int awaitTaskMovedFrom(String connector, int worker) {
        await("the task of " + connector + " running on another worker than " + worker)
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> workerOfTask(connector) != worker
                        && status(connector)
                                .path("tasks")
                                .path(0)
                                .path("state")
                                .asString()
                                .equals("RUNNING"));
        return workerOfTask(connector);
    }

    /** Kills worker {@code worker} (1 to n) with {@code SIGKILL}, as a crash would. */
    public void kill9(int worker) {
        process(worker).destroyForcibly();
        awaitExit(worker);
    }

    /** Stops worker {@code worker} (1 to n) with {@code SIGTERM}, as a rolling restart does. */
    public void stop(int worker) {
        process(worker).destroy();
        awaitExit(worker);
    }

    public int workers() {
        return workers;
    }

    @Override
    public void close() {
        try {
            Provisioning.runLocalScript("infra/local/stop", "connect", env);
        } finally {
            deleteDataDir();
        }
    }

    private JsonNode status(String connector) {
        return JSON.readTree(send(HttpRequest.newBuilder(uri("/connectors/" + connector + "/status"))
                .GET()));
    }

    private ProcessHandle process(int worker) {
        Path pidFile = dataDir.resolve("connect/worker-" + worker + "/connect.pid");
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid)
                    .orElseThrow(
                            () -> new IllegalStateException("worker " + worker + " (pid " + pid + ") does not run"));
        } catch (IOException e) {
            throw new UncheckedIOException("no pid file of worker " + worker + ": " + pidFile, e);
        }
    }

    private void awaitExit(int worker) {
        ProcessHandle process = process(worker);
        await("worker " + worker + " gone").atMost(TIMEOUT).until(() -> !process.isAlive());
    }

    /** Any worker answers for the cluster; ask one that runs. */
    private URI uri(String path) {
        for (int worker = 1; worker <= workers; worker++) {
            Path pidFile = dataDir.resolve("connect/worker-" + worker + "/connect.pid");
            try {
                if (Files.exists(pidFile)
                        && ProcessHandle.of(
                                        Long.parseLong(Files.readString(pidFile).strip()))
                                .map(ProcessHandle::isAlive)
                                .orElse(false)) {
                    return URI.create("http://127.0.0.1:" + (firstPort + worker - 1) + path);
                }
            } catch (IOException | NumberFormatException e) {
                // A worker starting or stopping: ask the next one.
            }
        }
        throw new IllegalStateException("no Connect worker of " + dataDir + " runs");
    }

    private String send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("Connect answered " + response.statusCode() + " to "
                        + request.build().uri() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling Connect", e);
        }
    }

    private static JsonNode readConnector(String file) {
        Path path = Provisioning.repositoryRoot().resolve("infra/connect").resolve(file);
        try {
            return JSON.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + path, e);
        }
    }

    private void deleteDataDir() {
        if (!Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + dataDir + ": " + e.getMessage());
        }
    }
}
