package io.sagaline.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The machine's commit ceiling for saga steps: how many transactions shaped like one saga step
 * (an inbox insert, an update of one row, and an outbox insert-then-delete as {@code OutboxWriter}
 * writes it) this PostgreSQL server commits per second, with several clients, in a scratch
 * database that is dropped afterwards. Divided by the local transactions one saga needs, it is the
 * most sagas per second any design built from such steps could reach here.
 *
 * <p>It runs PostgreSQL's own {@code pgbench} when the server's binaries are on this machine, so
 * that the client costs as little as possible; otherwise JDBC clients in this JVM commit the same
 * transactions.
 */
final class Ceiling {

    /** Measured commit rate, and by what. */
    record Result(int clients, Duration duration, long commits, String client) {
        double perSecond() {
            return commits / (duration.toNanos() / 1e9);
        }
    }

    private static final String SCHEMA = """
            CREATE TABLE inbox (consumer varchar(100) NOT NULL, message_id uuid NOT NULL,
                                processed_at timestamptz NOT NULL, PRIMARY KEY (consumer, message_id));
            CREATE TABLE state (id int PRIMARY KEY, step int NOT NULL, version bigint NOT NULL,
                                payload jsonb NOT NULL, updated_at timestamptz NOT NULL);
            CREATE TABLE outbox (id uuid PRIMARY KEY, aggregatetype varchar(255) NOT NULL,
                                 aggregateid varchar(255) NOT NULL, type varchar(255) NOT NULL,
                                 payload jsonb NOT NULL);
            INSERT INTO state SELECT g, 0, 0, '{"order": "x"}', now() FROM generate_series(1, 10000) g;
            """;
    private static final String INBOX = "INSERT INTO inbox VALUES ('ceiling', ?, now())";
    private static final String UPDATE =
            "UPDATE state SET step = step + 1, version = version + 1, updated_at = now() WHERE id = ?";
    private static final String OUTBOX = "INSERT INTO outbox VALUES (?, 'orders.commands', ?, 'Step', ?::jsonb)";
    private static final String OUTBOX_DELETE = "DELETE FROM outbox WHERE id = ?";
    private static final String ENVELOPE =
            "{\"messageId\": \"%s\", \"payload\": {\"orderId\": \"%s\", \"amount\": 1999}}";

    private final Postgres postgres;

    Ceiling(Postgres postgres) {
        this.postgres = postgres;
    }

    Result measure(int clients, Duration duration, Progress progress) {
        String database = "sagaline_ceiling_" + System.currentTimeMillis();
        progress.say(
                "ceiling: saga-step transactions with %d clients for %d s in scratch database %s ...",
                clients, duration.toSeconds(), database);
        execute("postgres", "CREATE DATABASE " + database);
        try {
            execute(database, SCHEMA);
            var pgbench = pgbench();
            if (pgbench.isPresent()) {
                return runPgbench(pgbench.get(), database, clients, duration);
            }
            var commits = new LongAdder();
            long until = System.nanoTime() + duration.toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                threads.add(
                        Thread.ofPlatform().name("ceiling-" + c).start(() -> commitSteps(database, until, commits)));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            return new Result(clients, duration, commits.sum(), "JDBC");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            execute("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static final String PGBENCH_SCRIPT = """
            \\set id random(1, 10000)
            BEGIN;
            INSERT INTO inbox VALUES ('ceiling', gen_random_uuid(), now());
            UPDATE state SET step = step + 1, version = version + 1, updated_at = now() WHERE id = :id;
            SELECT gen_random_uuid() AS out \\gset
            INSERT INTO outbox VALUES (:out, 'orders.commands', :id, 'Step', '{"payload": {"amount": 1999}}');
            DELETE FROM outbox WHERE id = :out;
            COMMIT;
            """;

    private static Optional<Path> pgbench() {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(version -> version.resolve("bin/pgbench"))
                    .filter(Files::isExecutable)
                    .max(Comparator.naturalOrder());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Result runPgbench(Path pgbench, String database, int clients, Duration duration) {
        try {
            var script = Files.createTempFile("ceiling", ".sql");
            Files.writeString(script, PGBENCH_SCRIPT);
            var builder = new ProcessBuilder(
                            pgbench.toString(),
                            "-n",
                            "-M",
                            "prepared",
                            "-c",
                            Integer.toString(clients),
                            "-j",
                            "2",
                            "-T",
                            Long.toString(duration.toSeconds()),
                            "-f",
                            script.toString(),
                            "-h",
                            postgres.host(),
                            "-p",
                            Integer.toString(postgres.port()),
                            "-U",
                            "postgres",
                            database)
                    .redirectErrorStream(true);
            builder.environment().put("PGPASSWORD", postgres.password());
            var process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Files.deleteIfExists(script);
            var processed = Pattern.compile("number of transactions actually processed: (\\d+)")
                    .matcher(output);
            if (process.waitFor() != 0 || !processed.find()) {
                throw new IllegalStateException("pgbench failed: " + output);
            }
            return new Result(clients, duration, Long.parseLong(processed.group(1)), "pgbench");
        } catch (IOException e) {
            throw new IllegalStateException("running pgbench failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void commitSteps(String database, long until, LongAdder commits) {
        try (Connection connection = postgres.connect(database);
                var inbox = connection.prepareStatement(INBOX);
                var update = connection.prepareStatement(UPDATE);
                var outbox = connection.prepareStatement(OUTBOX);
                var delete = connection.prepareStatement(OUTBOX_DELETE)) {
            connection.setAutoCommit(false);
            var random = ThreadLocalRandom.current();
            while (System.nanoTime() < until) {
                UUID message = UUID.randomUUID();
                inbox.setObject(1, message);
                inbox.executeUpdate();
                update.setInt(1, 1 + random.nextInt(10_000));
                update.executeUpdate();
                UUID out = UUID.randomUUID();
                outbox.setObject(1, out);
                outbox.setString(2, message.toString());
                outbox.setString(3, ENVELOPE.formatted(out, message));
                outbox.executeUpdate();
                delete.setObject(1, out);
                delete.executeUpdate();
                connection.commit();
                commits.increment();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("a ceiling client failed: " + e.getMessage(), e);
        }
    }

    private void execute(String database, String sql) {
        try (Connection connection = postgres.connect(database);
                var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("ceiling set-up failed: " + e.getMessage(), e);
        }
    }
}
