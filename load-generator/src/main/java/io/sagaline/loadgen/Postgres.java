package io.sagaline.loadgen;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * The PostgreSQL server the system under test runs on, reached as its superuser: the generator
 * reads saga states and commit counters from any database, and creates its scratch databases.
 * Defaults are the local stack's ({@code infra/local}); credentials come from the environment.
 */
record Postgres(String host, int port, String password) {

    static Postgres from(Options options) {
        return new Postgres(
                options.text("pgHost", "127.0.0.1"),
                options.integer("pgPort", intEnv("SAGALINE_PG_PORT", 5432)),
                env("SAGALINE_PG_SUPERUSER_PASSWORD", "postgres"));
    }

    /** A connection to {@code database} whose unqualified names resolve in {@code schema}. */
    Connection connect(String database, String schema) {
        Connection connection = connect(database);
        try {
            connection.setSchema(schema);
            return connection;
        } catch (SQLException e) {
            close(connection);
            throw new IllegalStateException(
                    "cannot use schema " + schema + " of database " + database + ": " + e.getMessage(), e);
        }
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // Already failing; the first error is the one to report.
        }
    }

    Connection connect(String database) {
        try {
            Connection connection = DriverManager.getConnection(
                    "jdbc:postgresql://" + host + ":" + port + "/" + database, "postgres", password);
            connection.setAutoCommit(true);
            return connection;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot connect to database " + database + " at " + host + ":" + port + " as postgres: "
                            + e.getMessage(),
                    e);
        }
    }

    /** Transactions committed so far in {@code databases}, as the statistics collector counts them. */
    long commits(List<String> databases) {
        try (var connection = connect("postgres");
                var statement = connection.prepareStatement(
                        "SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database WHERE datname = ANY (?)")) {
            statement.setArray(1, connection.createArrayOf("text", databases.toArray()));
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading commit counters failed: " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static int intEnv(String name, int fallback) {
        return Integer.parseInt(env(name, Integer.toString(fallback)));
    }
}
