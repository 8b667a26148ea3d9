package io.sagaline.twopc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * One connection pool per branch database and one for the decision log, each migrated with its own
 * Flyway ({@code classpath:db/twopc/<name>}) when the pools open. Thread-safe.
 */
final class Pools implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pools.class);
    static final String LOG = "log";

    private final Map<Branch, HikariDataSource> branches = new EnumMap<>(Branch.class);
    private final HikariDataSource decisionLog;

    private Pools(TwoPhaseCommitProperties properties, @Nullable MeterRegistry meters) {
        var databases = properties.databases();
        try {
            for (Branch branch : Branch.values()) {
                HikariDataSource pool = open(branch.key(), databases.of(branch), properties.poolSize(), meters);
                branches.put(branch, pool);
                checkPreparedTransactions(branch, pool, properties.maxInFlight());
            }
            decisionLog = open(LOG, databases.log(), properties.poolSize(), meters);
        } catch (RuntimeException e) {
            branches.values().forEach(HikariDataSource::close);
            throw e;
        }
    }

    /** Opens and migrates the five databases. */
    static Pools open(TwoPhaseCommitProperties properties, @Nullable MeterRegistry meters) {
        return new Pools(properties, meters);
    }

    DataSource branch(Branch branch) {
        return branches.get(branch);
    }

    DataSource decisionLog() {
        return decisionLog;
    }

    /**
     * Runs {@code work} in a local transaction of its own on a connection of {@code pool}: committed
     * when it returns, rolled back when it throws.
     */
    static <T> T inLocalTransaction(DataSource pool, Function<JdbcClient, T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(on(connection));
                connection.commit();
                return result;
            } catch (RuntimeException | Error e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("local transaction failed: " + e.getMessage(), e);
        }
    }

    /** A client whose every statement runs on {@code connection}, in whatever transaction it has. */
    static JdbcClient on(Connection connection) {
        return JdbcClient.create(new SingleConnectionDataSource(connection, true));
    }

    @Override
    public void close() {
        branches.values().forEach(HikariDataSource::close);
        decisionLog.close();
    }

    private static HikariDataSource open(
            String name, TwoPhaseCommitProperties.Database database, int size, @Nullable MeterRegistry meters) {
        var config = new HikariConfig();
        config.setPoolName("twopc-" + name);
        config.setJdbcUrl(database.url());
        config.setUsername(database.username());
        config.setPassword(database.password());
        config.setMaximumPoolSize(size);
        config.setAutoCommit(true);
        if (meters != null) {
            config.setMetricRegistry(meters);
        }
        var pool = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/twopc/" + name)
                    .load()
                    .migrate();
            return pool;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** PREPARE TRANSACTION fails outright while the server allows none, so say so at startup. */
    private static void checkPreparedTransactions(Branch branch, DataSource pool, int maxInFlight) {
        int allowed = Integer.parseInt(JdbcClient.create(pool)
                .sql("SHOW max_prepared_transactions")
                .query(String.class)
                .single());
        if (allowed == 0) {
            throw new IllegalStateException("the " + branch.key() + " database's server has max_prepared_transactions"
                    + " = 0, so PREPARE TRANSACTION is disabled; set it to at least " + 4 * maxInFlight
                    + " (4 branches x sagaline.twopc.max-in-flight) and restart PostgreSQL");
        }
        if (allowed < 4 * maxInFlight) {
            log.warn(
                    "The {} database's server allows {} prepared transactions; {} global transactions in flight may"
                            + " prepare up to {} if the branches share that server, and PREPARE then fails",
                    branch.key(),
                    allowed,
                    maxInFlight,
                    4 * maxInFlight);
        }
    }
}
