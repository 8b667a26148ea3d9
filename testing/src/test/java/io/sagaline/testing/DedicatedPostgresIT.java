package io.sagaline.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DedicatedPostgresIT {

    private static final int ROWS = 1_000;

    @Test
    void keepsCommittedRowsAcrossAnImmediateShutdownAndARestart() throws SQLException {
        try (DedicatedPostgres postgres = TestInfrastructure.dedicatedPostgres("crash-it")) {
            assertThat(postgres.port())
                    .isNotEqualTo(TestInfrastructure.postgres().port());
            TestDatabase database = postgres.createDatabase(PostgresServer.uniqueName("it_crash"));
            try (var dataSource = postgres.dataSource(database)) {
                try (Connection connection = dataSource.getConnection();
                        Statement statement = connection.createStatement()) {
                    assertThat(single(statement, "SHOW wal_level")).isEqualTo("logical");
                    statement.execute("CREATE TABLE note (id int PRIMARY KEY, text varchar(40) NOT NULL)");
                    statement.execute(
                            "INSERT INTO note SELECT i, 'note ' || i FROM generate_series(1, " + ROWS + ") i");
                }
                // A transaction open at the crash must be gone afterwards, not half applied.
                try (Connection open =
                                DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
                        Statement statement = open.createStatement()) {
                    open.setAutoCommit(false);
                    statement.execute("DELETE FROM note WHERE id > 10");
                    postgres.crash();
                }

                assertThatThrownBy(() -> connect(postgres)).isInstanceOf(IOException.class);
                postgres.start();

                // The pool's connections died with the server; it opens new ones.
                try (Connection connection = dataSource.getConnection();
                        Statement statement = connection.createStatement()) {
                    assertThat(single(statement, "SELECT count(*) FROM note")).isEqualTo(Integer.toString(ROWS));
                    assertThat(single(statement, "SELECT text FROM note WHERE id = " + ROWS))
                            .isEqualTo("note " + ROWS);
                    assertThat(single(statement, "SELECT current_user")).isEqualTo(database.name());
                }
            }
            // The relay role may still log in and replicate, as the outbox relay does after a crash.
            try (Connection relay = DriverManager.getConnection(
                            database.jdbcUrl(),
                            postgres.relayCredentials().user(),
                            postgres.relayCredentials().password());
                    Statement statement = relay.createStatement()) {
                assertThat(single(statement, "SELECT rolreplication FROM pg_roles WHERE rolname = current_user"))
                        .isEqualTo("t");
            }
            postgres.dropDatabase(database.name());
        }
    }

    @Test
    void crashAndStartDoNothingWhenThereIsNothingToDo() {
        try (DedicatedPostgres postgres = TestInfrastructure.dedicatedPostgres("idle-it")) {
            postgres.start();
            postgres.crash();
            postgres.crash();
            postgres.start();
            TestDatabase database = postgres.createDatabase(PostgresServer.uniqueName("it_idle"));
            postgres.dropDatabase(database.name());
        }
    }

    private static void connect(PostgresServer postgres) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(postgres.host(), postgres.port()), (int)
                    Duration.ofSeconds(1).toMillis());
        }
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
