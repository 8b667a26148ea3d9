package io.sagaline.testing.internal;

import static org.awaitility.Awaitility.await;

import io.sagaline.testing.DedicatedKafka;
import io.sagaline.testing.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A broker of one test's own, run by infra/local/start kafka in its own data directory. */
final class LocalDedicatedKafka implements DedicatedKafka {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> extraProperties;
    private boolean closed;

    private LocalDedicatedKafka(Path dataDir, int port, int controllerPort, Map<String, String> extraProperties) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.extraProperties = Map.copyOf(extraProperties);
    }

    static LocalDedicatedKafka create(String name) {
        // Below the ephemeral range, so that no client takes them meanwhile.
        return create(name, Ports.free(), Ports.free(), Map.of());
    }

    /**
     * A broker on {@code port} (plaintext) and {@code controllerPort}, with {@code extraProperties}
     * set over infra/local's own {@code server.properties}.
     */
    static LocalDedicatedKafka create(String name, int port, int controllerPort, Map<String, String> extraProperties) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a dedicated broker's name is 1 to 64 letters, digits, - or _, got '" + name + "'");
        }
        Path dataDir = LocalScripts.testDataDir().resolve("dedicated-" + name);
        var kafka = new LocalDedicatedKafka(dataDir, port, controllerPort, extraProperties);
        // A run that died before close() may have left its broker running and its data behind.
        if (Files.exists(dataDir)) {
            kafka.stopAndDelete();
        }
        kafka.start();
        return kafka;
    }

    @Override
    public String bootstrapServers() {
        return LocalServers.HOST + ":" + port;
    }

    @Override
    public synchronized void kill() {
        Optional<ProcessHandle> broker = broker();
        if (broker.isEmpty()) {
            return;
        }
        ProcessHandle process = broker.get();
        process.destroyForcibly();
        await("broker pid " + process.pid() + " gone after kill -9")
                .atMost(EXIT_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !process.isAlive());
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("broker " + dataDir.getFileName() + " is closed");
        }
        writeExtraProperties();
        LocalScripts.run(LocalScripts.START, "kafka", env());
        Readiness.awaitKafka(this);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAndDelete();
    }

    private void stopAndDelete() {
        try {
            LocalScripts.run(LocalScripts.STOP, "kafka", env());
        } finally {
            // A broker the script could not stop must not outlive its data directory.
            kill();
            deleteRecursively(dataDir);
        }
    }

    /** The live broker process named by the pid file, if it is the broker of this data directory. */
    private Optional<ProcessHandle> broker() {
        Path pidFile = dataDir.resolve("kafka").resolve("kafka.pid");
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        // Guards against a pid recycled by an unrelated process after the broker died.
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info()
                        .commandLine()
                        .map(line -> line.contains(dataDir.toString()))
                        .orElse(true));
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(Map.of(
                "SAGALINE_DATA_DIR", dataDir.toString(),
                "SAGALINE_KAFKA_PORT", Integer.toString(port),
                "SAGALINE_KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort)));
        if (!extraProperties.isEmpty()) {
            env.put("SAGALINE_KAFKA_EXTRA_PROPERTIES", extraPropertiesFile().toString());
        }
        return env;
    }

    private Path extraPropertiesFile() {
        return dataDir.resolve("server.extra.properties");
    }

    private void writeExtraProperties() {
        if (extraProperties.isEmpty()) {
            return;
        }
        var properties = new Properties();
        properties.putAll(extraProperties);
        try {
            Files.createDirectories(dataDir);
            try (Writer out = Files.newBufferedWriter(extraPropertiesFile())) {
                properties.store(out, "Written by the test for SAGALINE_KAFKA_EXTRA_PROPERTIES");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + extraPropertiesFile(), e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
