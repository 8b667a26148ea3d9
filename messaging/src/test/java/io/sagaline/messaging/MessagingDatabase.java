package io.sagaline.messaging;

import com.zaxxer.hikari.HikariDataSource;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** A fresh database of the test's own with the messaging migrations applied; dropped on close. */
final class MessagingDatabase implements AutoCloseable {

    private final PostgresServer postgres = TestInfrastructure.postgres();
    private final TestDatabase database;
    private final HikariDataSource dataSource;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    MessagingDatabase(String prefix) {
        database = postgres.createDatabase(PostgresServer.uniqueName(prefix));
        dataSource = postgres.dataSource(database);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/messaging")
                .load()
                .migrate();
        jdbc = JdbcClient.create(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    JdbcClient jdbc() {
        return jdbc;
    }

    TransactionTemplate transactions() {
        return transactions;
    }

    long count(String table) {
        return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }

    @Override
    public void close() {
        dataSource.close();
        postgres.dropDatabase(database.name());
    }
}
