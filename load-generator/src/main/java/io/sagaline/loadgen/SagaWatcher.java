package io.sagaline.loadgen;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Learns when sagas reach a terminal state by reading the orchestrator's database every {@link
 * #INTERVAL_NANOS}, and completes each saga's future with the time of its final transition as the
 * orchestrator recorded it ({@code saga_instance.updated_at}), so the polling interval does not
 * add to the measured latency. The interval is long so that watching costs the system under test
 * little: each read looks up every saga still under way.
 */
final class SagaWatcher implements AutoCloseable {

    private static final String FINAL = """
            SELECT id, status, reason, (extract(epoch FROM updated_at) * 1000000)::bigint AS ended
            FROM saga_instance
            WHERE id = ANY (?) AND status IN ('COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED', 'COMPLETION_FAILED', 'RESOLVED')
            """;
    private static final int MAX_IDS_PER_QUERY = 5_000;
    private static final long INTERVAL_NANOS = 100_000_000;

    private final Map<UUID, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
    private final Connection connection;
    private final Thread thread;
    private volatile boolean running = true;

    SagaWatcher(Postgres postgres, String database, String schema) {
        this.connection = postgres.connect(database, schema);
        this.thread = Thread.ofPlatform().name("saga-watcher").daemon().start(this::poll);
    }

    CompletableFuture<Outcome> await(UUID sagaId) {
        return pending.computeIfAbsent(sagaId, id -> new CompletableFuture<>());
    }

    private void poll() {
        while (running) {
            if (pending.isEmpty()) {
                LockSupport.parkNanos(5_000_000);
                continue;
            }
            try {
                readFinal();
            } catch (SQLException e) {
                if (running) {
                    System.err.println("saga watcher: reading saga states failed, retrying: " + e.getMessage());
                    LockSupport.parkNanos(500_000_000);
                }
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }

    private void readFinal() throws SQLException {
        UUID[] ids = pending.keySet().stream().limit(MAX_IDS_PER_QUERY).toArray(UUID[]::new);
        try (var statement = connection.prepareStatement(FINAL)) {
            statement.setArray(1, connection.createArrayOf("uuid", ids));
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    var future = pending.remove(rows.getObject("id", UUID.class));
                    if (future != null) {
                        future.complete(
                                outcome(rows.getString("status"), rows.getLong("ended"), rows.getString("reason")));
                    }
                }
            }
        }
    }

    private static Outcome outcome(String status, long endedMicros, String reason) {
        var kind = switch (status) {
            case "COMPLETED" -> Outcome.Kind.COMPLETED;
            case "COMPENSATED" -> Outcome.Kind.COMPENSATED;
            default -> Outcome.Kind.FAILED;
        };
        return new Outcome(kind, endedMicros, reason == null ? status : status + ": " + reason);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException ignored) {
            // closing a connection we are done with
        }
    }
}
