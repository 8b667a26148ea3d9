package io.sagaline.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A child JVM running an executable jar (a Spring Boot service), on the same Java as the test, with
 * its standard output and error appended to a log file. It can be started again after it stopped or
 * was killed; each start appends to the same log. A child still running when the test JVM exits is
 * killed then.
 *
 * <p>Thread-safe.
 */
public final class JavaProcess implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "sagaline-testing-kill-children"));
    }

    private final List<String> command;
    private final Map<String, String> env;
    private final Path logFile;
    private final @Nullable Path workingDirectory;
    private @Nullable Process process;

    private JavaProcess(Builder builder) {
        var command = new ArrayList<String>();
        command.add(javaBinary());
        command.addAll(builder.jvmArgs);
        builder.systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(builder.jar.toString());
        command.addAll(builder.args);
        this.command = List.copyOf(command);
        this.env = Map.copyOf(builder.env);
        this.logFile = builder.logFile;
        this.workingDirectory = builder.workingDirectory;
    }

    /** @param jar the executable jar to run with {@code java -jar} */
    public static Builder builder(Path jar) {
        return new Builder(jar);
    }

    /**
     * Launches the JVM and returns at once; see {@link #awaitHealthy} to wait until it serves.
     *
     * @throws IllegalStateException if it is running already
     */
    public synchronized JavaProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running as pid " + process.pid() + ": " + command);
        }
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            var builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            builder.environment().putAll(env);
            Process started = builder.start();
            RUNNING.add(started);
            started.onExit().thenAccept(RUNNING::remove);
            process = started;
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    /** Kills the JVM with {@code SIGKILL}, as a crash would, and returns once it has exited. */
    public void kill9() {
        Process running = current();
        running.destroyForcibly();
        awaitExit(running, STOP_TIMEOUT);
    }

    /**
     * Asks the JVM to shut down with {@code SIGTERM} and waits up to 30 seconds for it to exit.
     *
     * @throws IllegalStateException if it did not exit in time; it is then killed
     */
    public void stop() {
        Process running = current();
        running.destroy();
        if (!awaitExit(running, STOP_TIMEOUT)) {
            running.destroyForcibly();
            awaitExit(running, STOP_TIMEOUT);
            throw new IllegalStateException("pid " + running.pid() + " did not stop within " + STOP_TIMEOUT.toSeconds()
                    + " s of SIGTERM and was killed; last lines of " + logFile + ":\n" + logTail(50));
        }
    }

    /** Kills the JVM if it is running, without waiting for a graceful shutdown. */
    @Override
    public void close() {
        Process running;
        synchronized (this) {
            running = process;
        }
        if (running != null && running.isAlive()) {
            kill9();
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The pid of the JVM last started. */
    public long pid() {
        return current().pid();
    }

    /** The exit code of the JVM last started, or null while it runs. */
    public @Nullable Integer exitCode() {
        Process running = current();
        return running.isAlive() ? null : running.exitValue();
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * Waits until {@code healthUrl} answers HTTP 200.
     *
     * @throws IllegalStateException if the JVM exits or {@code timeout} passes first, with the last
     *     50 lines of its log in the message
     */
    public void awaitHealthy(URI healthUrl, Duration timeout) {
        Process running = current();
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpRequest request = HttpRequest.newBuilder(healthUrl)
                    .timeout(Duration.ofSeconds(2))
                    .GET()
                    .build();
            await(healthUrl + " healthy")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(200))
                    .pollInSameThread()
                    .until(() -> {
                        if (!running.isAlive()) {
                            throw new IllegalStateException("pid " + running.pid() + " exited with code "
                                    + running.exitValue() + " before " + healthUrl + " answered; last lines of "
                                    + logFile + ":\n" + logTail(50));
                        }
                        return status(http, request) == 200;
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    healthUrl + " did not answer 200 within " + timeout.toSeconds() + " s; last lines of " + logFile
                            + ":\n" + logTail(50),
                    e);
        }
    }

    /** The last {@code lines} lines of the log file, or fewer if it is shorter. */
    public String logTail(int lines) {
        if (lines <= 0 || !Files.exists(logFile)) {
            return "";
        }
        try (var file = new RandomAccessFile(logFile.toFile(), "r")) {
            long end = file.length();
            long start = end;
            int newlines = 0;
            byte[] chunk = new byte[8192];
            // Read backwards until the start of the requested last line is found.
            while (start > 0 && newlines < lines) {
                int length = (int) Math.min(chunk.length, start);
                start -= length;
                file.seek(start);
                file.readFully(chunk, 0, length);
                for (int i = length - 1; i >= 0; i--) {
                    if (chunk[i] == '\n' && start + i != end - 1 && ++newlines == lines) {
                        start = start + i + 1;
                        break;
                    }
                }
            }
            byte[] tail = new byte[(int) (end - start)];
            file.seek(start);
            file.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + logFile, e);
        }
    }

    @Override
    public String toString() {
        return "JavaProcess" + command;
    }

    private synchronized Process current() {
        if (process == null) {
            throw new IllegalStateException("not started: " + command);
        }
        return process;
    }

    private static int status(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean awaitExit(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for pid " + process.pid() + " to exit", e);
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElseGet(() ->
                        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Describes the JVM to launch; not thread-safe. */
    public static final class Builder {

        private final Path jar;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private @Nullable Path logFile;
        private @Nullable Path workingDirectory;

        private Builder(Path jar) {
            this.jar = jar;
        }

        /** Adds an environment variable to those the child inherits from this JVM. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        /** Passed as {@code -Dname=value}. */
        public Builder systemProperty(String name, String value) {
            systemProperties.put(name, value);
            return this;
        }

        /** A JVM option placed before {@code -jar}, such as {@code -Xmx256m}. */
        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        /** An argument for the application, after the jar, such as {@code --server.port=8081}. */
        public Builder arg(String arg) {
            args.add(arg);
            return this;
        }

        public Builder args(List<String> arguments) {
            args.addAll(arguments);
            return this;
        }

        /** Required: where standard output and error are appended. */
        public Builder logFile(Path file) {
            this.logFile = file;
            return this;
        }

        public Builder workingDirectory(Path directory) {
            this.workingDirectory = directory;
            return this;
        }

        /** The process, not yet started. */
        public JavaProcess build() {
            if (logFile == null) {
                throw new IllegalStateException("a log file is required");
            }
            return new JavaProcess(this);
        }
    }
}
