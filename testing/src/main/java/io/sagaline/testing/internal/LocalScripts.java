package io.sagaline.testing.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/** Runs infra/local/start and infra/local/stop of the repository the tests run in. */
final class LocalScripts {

    static final String START = "infra/local/start";
    static final String STOP = "infra/local/stop";

    /** The first start resolves the broker's class path with Maven, which can take minutes. */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(10);

    private static final int TAIL_LINES = 40;

    /*
     * One script at a time per JVM: the start scripts of PostgreSQL and Kafka share directories
     * and caches, and interleaved progress output would be unreadable.
     */
    private static final ReentrantLock LOCK = new ReentrantLock();

    private static volatile @Nullable Path root;

    private LocalScripts() {}

    /** The nearest directory at or above the working directory that holds infra/local/start. */
    static Path repositoryRoot() {
        Path found = root;
        if (found != null) {
            return found;
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(START))) {
                root = dir;
                return dir;
            }
        }
        throw new IllegalStateException("no " + START + " in " + start + " or any directory above it: run the tests "
                + "inside the Sagaline repository, or name external servers with SAGALINE_TEST_PG_HOST and "
                + "SAGALINE_TEST_KAFKA_BOOTSTRAP");
    }

    static Path testDataDir() {
        return repositoryRoot().resolve(".data").resolve("test");
    }

    /**
     * Runs {@code script component} with {@code env} added to this JVM's environment, copying its
     * output to standard out line by line as it comes.
     *
     * @throws IllegalStateException if it exits non-zero or runs past its timeout
     */
    static void run(String script, String component, Map<String, String> env) {
        Path repository = repositoryRoot();
        var builder = new ProcessBuilder("bash", repository.resolve(script).toString(), component)
                .directory(repository.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        // The Kafka broker runs on JAVA_HOME's java; default to this JVM's so it uses the same JDK.
        builder.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        String command = script + " " + component;
        LOCK.lock();
        try {
            Process process = builder.start();
            Deque<String> tail = new ArrayDeque<>();
            Thread copier = Thread.ofPlatform()
                    .name("sagaline-testing-" + component)
                    .daemon()
                    .start(() -> copyOutput(process, tail));
            if (!process.waitFor(SCRIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in " + SCRIPT_TIMEOUT.toMinutes()
                        + " min; its last output:\n" + lines(tail));
            }
            // A server it started might keep the pipe open; the copier is a daemon, don't wait long.
            copier.join(Duration.ofSeconds(5));
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed with exit code " + process.exitValue()
                        + "; its last output:\n" + lines(tail));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            LOCK.unlock();
        }
    }

    private static void copyOutput(Process process, Deque<String> tail) {
        try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                System.out.println("[infra/local] " + line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // The process ended and took its pipe with it; its exit code tells what happened.
        }
    }

    private static String lines(Deque<String> tail) {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }
}
