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

    // Records every row inserted into the outbox, as the relay sees it in the WAL, although the
    // writer deletes the row again before the transaction commits.
    private static final String CAPTURE_OUTBOX_INSERTS = """
            CREATE TABLE outbox_inserted (seq bigserial PRIMARY KEY, LIKE outbox);
            CREATE FUNCTION capture_outbox_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO outbox_inserted (id, aggregatetype, aggregateid, type, payload)
              VALUES (NEW.id, NEW.aggregatetype, NEW.aggregateid, NEW.type, NEW.payload);
              RETURN NEW;
            END
            $$;
            CREATE TRIGGER capture_outbox_insert AFTER INSERT ON outbox
              FOR EACH ROW EXECUTE FUNCTION capture_outbox_insert();
            """;

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

    /** From now on, copies every outbox insert into {@code outbox_inserted} in insert order. */
    void captureOutboxInserts() {
        jdbc.sql(CAPTURE_OUTBOX_INSERTS).update();
    }

    /** The payloads (envelopes) of every captured outbox insert, in insert order. */
    java.util.List<Envelope> capturedOutboxMessages(EnvelopeCodec codec) {
        return jdbc.sql("SELECT payload::text FROM outbox_inserted ORDER BY seq").query(String.class).list().stream()
                .map(codec::decode)
                .toList();
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
