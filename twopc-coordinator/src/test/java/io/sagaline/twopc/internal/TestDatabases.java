package io.sagaline.twopc.internal;

import com.zaxxer.hikari.HikariDataSource;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.TestAccounts;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The coordinator's five databases, created for one test on the shared test server. */
final class TestDatabases implements AutoCloseable {

    static final List<String> NAMES = List.of("orders", "payment", "inventory", "shipment", "log");
    static final List<String> BRANCHES = NAMES.subList(0, 4);

    private final Map<String, TestDatabase> databases = new LinkedHashMap<>();
    private final Map<String, HikariDataSource> pools = new LinkedHashMap<>();

    private TestDatabases() {}

    static TestDatabases create(String prefix) {
        var created = new TestDatabases();
        PostgresServer server = TestInfrastructure.postgres();
        for (String name : NAMES) {
            TestDatabase database = server.createDatabase(PostgresServer.uniqueName(prefix + "_" + name));
            created.databases.put(name, database);
            created.pools.put(name, server.dataSource(database));
        }
        return created;
    }

    JdbcClient jdbc(String name) {
        return JdbcClient.create(pools.get(name));
    }

    /** Points an in-JVM coordinator at the databases, and gives it the {@link TestAccounts}. */
    void register(DynamicPropertyRegistry registry) {
        TestAccounts.properties().forEach((name, value) -> registry.add(name, () -> value));
        databases.forEach((name, database) -> {
            String prefix = "sagaline.twopc.databases." + name + ".";
            registry.add(prefix + "url", database::jdbcUrl);
            registry.add(prefix + "username", database::user);
            registry.add(prefix + "password", database::password);
        });
    }

    /**
     * Points a coordinator process at the databases, and gives it the {@link TestAccounts}, through
     * its environment as in production.
     */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>(TestAccounts.environment());
        databases.forEach((name, database) -> {
            String prefix = "SAGALINE_TWOPC_DATABASES_" + name.toUpperCase(Locale.ROOT) + "_";
            environment.put(prefix + "URL", database.jdbcUrl());
            environment.put(prefix + "USERNAME", database.user());
            environment.put(prefix + "PASSWORD", database.password());
        });
        return environment;
    }

    /** Runs {@code sql} in a transaction of a branch database and prepares it as {@code gid}. */
    void prepare(String branch, String gid, String sql) {
        try (Connection connection = pools.get(branch).getConnection();
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute(sql);
            statement.execute("PREPARE TRANSACTION " + BranchTransaction.literal(gid));
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The gids prepared in a branch database, whoever prepared them. */
    List<String> prepared(String branch) {
        return jdbc(branch)
                .sql("SELECT gid FROM pg_prepared_xacts WHERE database = current_database() ORDER BY gid")
                .query(String.class)
                .list();
    }

    /** The {@code pg_locks} rows the prepared transactions of a branch database hold. */
    long preparedLocks(String branch) {
        return jdbc(branch).sql("""
                        SELECT count(*) FROM pg_locks l WHERE l.pid IS NULL AND l.virtualtransaction IN (
                            SELECT t.virtualtransaction FROM pg_locks t
                            JOIN pg_prepared_xacts p ON p.transaction = t.transactionid
                            WHERE t.locktype = 'transactionid' AND p.database = current_database())
                        """).query(Long.class).single();
    }

    /**
     * Rolls back whatever a failed test left prepared (a prepared transaction keeps its database
     * from being dropped, and holds a slot of the server's max_prepared_transactions), then drops
     * the databases.
     */
    @Override
    public void close() {
        for (String branch : BRANCHES) {
            for (String gid : prepared(branch)) {
                jdbc(branch)
                        .sql("ROLLBACK PREPARED " + BranchTransaction.literal(gid))
                        .update();
            }
        }
        pools.values().forEach(HikariDataSource::close);
        databases.values().forEach(database -> TestInfrastructure.postgres().dropDatabase(database.name()));
    }
}
