package io.sagaline.loadgen;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One 2PC coordinator process (the twopc-coordinator jar), started by the generator so that a
 * scenario can let it die and start it again. Its output goes to a log file beside the results.
 */
final class Coordinator implements AutoCloseable {

    private final String id;
    private final int port;
    private final Path jar;
    private final Path log;
    private final Map<String, String> settings;
    private @Nullable Process process;

    Coordinator(String id, int port, Path jar, Path logDirectory, Map<String, String> settings) {
        this.id = id;
        this.port = port;
        this.jar = jar;
        this.log = logDirectory.resolve("coordinator-" + id + ".log");
        this.settings = settings;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts the process with the common settings and {@code extra} ones, and waits until it is healthy. */
    void start(Http http, Map<String, String> extra) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-jar",
                jar.toString(),
                "--server.port=" + port,
                "--sagaline.twopc.coordinator-id=" + id));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        extra.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            Files.createDirectories(log.getParent());
            var builder = new ProcessBuilder(command);
            // The accounts the generator calls it with; in the environment, not on a command line anyone can read.
            builder.environment().putAll(Accounts.OPERATOR.environment());
            builder.environment().putAll(Accounts.CLIENT.environment());
            process = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(log.toString())))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("starting coordinator " + id + " failed: " + e.getMessage(), e);
        }
        long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!healthy(http)) {
            if (!alive() || System.nanoTime() > until) {
                throw new IllegalStateException("coordinator " + id + " did not become healthy; see " + log);
            }
            LockSupport.parkNanos(100_000_000);
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    boolean healthy(Http http) {
        try {
            return http.get(url().resolve("/actuator/health")).status() == 200;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
