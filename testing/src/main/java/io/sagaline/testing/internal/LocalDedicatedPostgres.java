package io.sagaline.testing.internal;

import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.sagaline.testing.Credentials;
import io.sagaline.testing.DedicatedPostgres;
import io.sagaline.testing.Ports;
import io.sagaline.testing.TestCertificates;
import io.sagaline.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A PostgreSQL cluster of one test's own, run by infra/local/start postgres in its own data
 * directory and on a port of its own; reached like any server through {@link JdbcPostgresServer}.
 */
final class LocalDedicatedPostgres implements DedicatedPostgres {

    // The data directory holds the server's Unix socket, whose path is limited to about 100 bytes.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(30);

    /** SQLSTATE invalid_authorization_specification: what a connection no pg_hba.conf rule admits gets. */
    private static final String NOT_ADMITTED = "28000";

    // The Unix socket keeps initdb's trust: infra/local/start provisions the cluster through it.
    private static final String TLS_ONLY_HBA = """
            # Written by DedicatedPostgres.requireTls: over TCP only TLS, only with SCRAM passwords.
            # TYPE   DATABASE  USER  ADDRESS       METHOD
            local    all       all                 trust
            hostssl  all       all   127.0.0.1/32  scram-sha-256
            hostssl  all       all   ::1/128       scram-sha-256
            """;

    private final Path dataDir;
    private final int port;
    private final JdbcPostgresServer server;
    private boolean closed;

    private LocalDedicatedPostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
        this.server = new JdbcPostgresServer(
                LocalServers.HOST,
                port,
                new Credentials(Env.DEFAULT_SUPERUSER, superuserPassword()),
                Env.relayPassword());
    }

    static LocalDedicatedPostgres create(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a dedicated PostgreSQL server's name is 1 to 32 letters, digits, - or _, got '" + name + "'");
        }
        Path dataDir = LocalScripts.testDataDir().resolve("dedicated-pg-" + name);
        var postgres = new LocalDedicatedPostgres(dataDir, freePort());
        // A run that died before close() may have left its server running and its data behind.
        if (Files.exists(dataDir)) {
            postgres.stopAndDelete();
        }
        postgres.start();
        return postgres;
    }

    @Override
    public synchronized void crash() {
        Optional<ProcessHandle> postmaster = postmaster();
        if (postmaster.isEmpty()) {
            return;
        }
        ProcessHandle process = postmaster.get();
        // SIGQUIT to the postmaster is PostgreSQL's immediate shutdown, what pg_ctl stop -m immediate
        // sends; as a signal it needs no pg_ctl run as the server's OS user.
        signal(process, "QUIT");
        await("postmaster pid " + process.pid() + " gone after immediate shutdown")
                .atMost(EXIT_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !process.isAlive());
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("PostgreSQL server " + dataDir.getFileName() + " is closed");
        }
        LocalScripts.run(LocalScripts.START, "postgres", env());
        Readiness.awaitPostgres(server);
    }

    @Override
    public synchronized void requireTls(TestCertificates certificates) {
        Path data = dataDir.resolve("postgres").resolve("data");
        try {
            // The server reads them as its own OS user (postgres when the tests run as root), and
            // refuses a key that anyone else may read.
            UserPrincipal owner = Files.getOwner(data);
            install(data.resolve("server.crt"), Files.readString(certificates.serverCertificate()), owner);
            install(data.resolve("server.key"), Files.readString(certificates.serverKey()), owner);
            install(data.resolve("pg_hba.conf"), TLS_ONLY_HBA, owner);
        } catch (IOException e) {
            throw new UncheckedIOException("could not install the TLS files in " + data, e);
        }
        try (Connection connection = server.connectAsSuperuser();
                Statement statement = connection.createStatement()) {
            // server.crt and server.key in the data directory are ssl_cert_file's and ssl_key_file's
            // defaults. ALTER SYSTEM outlives restarts, which rewrite infra/local's own settings.
            statement.execute("ALTER SYSTEM SET ssl = on");
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("could not switch " + this + " to TLS", e);
        }
        awaitTlsOnly();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAndDelete();
    }

    @Override
    public String host() {
        return server.host();
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public Credentials superuser() {
        return server.superuser();
    }

    @Override
    public String jdbcUrl(String database) {
        return server.jdbcUrl(database);
    }

    @Override
    public TestDatabase createDatabase(String name) {
        return server.createDatabase(name);
    }

    @Override
    public List<TestDatabase> createDatabase(String name, List<String> schemas) {
        return server.createDatabase(name, schemas);
    }

    @Override
    public void dropDatabase(String name) {
        server.dropDatabase(name);
    }

    @Override
    public Credentials relayCredentials() {
        return server.relayCredentials();
    }

    @Override
    public HikariDataSource dataSource(TestDatabase database) {
        return server.dataSource(database);
    }

    @Override
    public String toString() {
        return "dedicated PostgreSQL on " + LocalServers.HOST + ":" + port + " (data " + dataDir + ")";
    }

    /** The reload is asynchronous: waits until a new session must use TLS and does. */
    private void awaitTlsOnly() {
        try {
            await(this + " serving TCP over TLS only")
                    .atMost(RELOAD_TIMEOUT)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> refusesWithoutTls() && servesOverTls());
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    this + " did not require TLS within " + RELOAD_TIMEOUT.toSeconds()
                            + " s of reloading its configuration; see "
                            + dataDir.resolve("postgres").resolve("postgres.log"),
                    e);
        }
    }

    private boolean refusesWithoutTls() {
        try (Connection plain = connectAsSuperuser("disable")) {
            return false;
        } catch (SQLException refused) {
            return NOT_ADMITTED.equals(refused.getSQLState());
        }
    }

    private boolean servesOverTls() {
        try (Connection tls = connectAsSuperuser("require");
                Statement statement = tls.createStatement();
                var rows = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            return rows.next() && rows.getBoolean(1);
        } catch (SQLException notYet) {
            return false;
        }
    }

    private Connection connectAsSuperuser(String sslMode) throws SQLException {
        var properties = new Properties();
        properties.setProperty("user", server.superuser().user());
        properties.setProperty("password", server.superuser().password());
        properties.setProperty("sslmode", sslMode);
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(server.jdbcUrl("postgres"), properties);
    }

    private static void install(Path file, String content, UserPrincipal owner) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.setOwner(file, owner);
    }

    private void stopAndDelete() {
        try {
            LocalScripts.run(LocalScripts.STOP, "postgres", env());
        } finally {
            // A server the script could not stop must not outlive its data directory.
            postmaster().ifPresent(process -> {
                process.destroyForcibly();
                await("postmaster pid " + process.pid() + " gone after kill -9")
                        .atMost(EXIT_TIMEOUT)
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> !process.isAlive());
            });
            deleteRecursively(dataDir);
        }
    }

    /** The live postmaster named by postmaster.pid, if it serves this data directory. */
    private Optional<ProcessHandle> postmaster() {
        Path pidFile = dataDir.resolve("postgres").resolve("data").resolve("postmaster.pid");
        long pid;
        try (Stream<String> lines = Files.lines(pidFile)) {
            pid = Long.parseLong(lines.findFirst().orElse("").trim());
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            return Optional.empty();
        }
        // Guards against a pid recycled by an unrelated process after the server died.
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info()
                        .commandLine()
                        .map(line -> line.contains(dataDir.toString()))
                        .orElse(true));
    }

    private Map<String, String> env() {
        return Map.of(
                "SAGALINE_DATA_DIR",
                dataDir.toString(),
                "SAGALINE_PG_PORT",
                Integer.toString(port),
                Env.LOCAL_PG_SUPERUSER_PASSWORD,
                superuserPassword(),
                Env.RELAY_PASSWORD,
                Env.relayPassword());
    }

    private static String superuserPassword() {
        return Env.get(Env.LOCAL_PG_SUPERUSER_PASSWORD, Env.DEFAULT_SUPERUSER_PASSWORD);
    }

    private static void signal(ProcessHandle process, String signal) {
        String command = "kill -" + signal + " " + process.pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException(command + " did not return within 10 s");
            }
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (kill.exitValue() != 0 && process.isAlive()) {
                throw new IllegalStateException(command + " failed with exit code " + kill.exitValue() + ": " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static int freePort() {
        return Ports.free();
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
