package io.sagaline.testing.internal;

import static org.awaitility.Awaitility.await;

import io.sagaline.testing.DedicatedKafka;
import io.sagaline.testing.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A broker of one test's own, run by infra/local/start kafka in its own data directory. */
final class LocalDedicatedKafka implements DedicatedKafka {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private boolean closed;

    private LocalDedicatedKafka(Path dataDir, int port, int controllerPort) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    static LocalDedicatedKafka create(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a dedicated broker's name is 1 to 64 letters, digits, - or _, got '" + name + "'");
        }
        Path dataDir = LocalScripts.testDataDir().resolve("dedicated-" + name);
        int[] ports = freePorts();
        var kafka = new LocalDedicatedKafka(dataDir, ports[0], ports[1]);
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
        return Map.of(
                "SAGALINE_DATA_DIR", dataDir.toString(),
                "SAGALINE_KAFKA_PORT", Integer.toString(port),
                "SAGALINE_KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort));
    }

    /** Two distinct free ports, below the ephemeral range so that no client takes them meanwhile. */
    private static int[] freePorts() {
        return new int[] {Ports.free(), Ports.free()};
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
