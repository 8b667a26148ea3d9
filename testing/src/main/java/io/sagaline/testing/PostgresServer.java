package io.sagaline.testing;

import com.zaxxer.hikari.HikariDataSource;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A PostgreSQL server with {@code wal_level=logical}, reached with superuser rights, on which each
 * test creates the databases it needs. The server is shared by every test in the JVM (and, for
 * local processes, by later runs), so tests isolate themselves by database name: see {@link
 * #uniqueName(String)}.
 *
 * <p>Every method is thread-safe. A failure to reach the server or to run a statement is reported
 * as an {@link IllegalStateException} carrying the {@link java.sql.SQLException}.
 */
public interface PostgresServer {

    String host();

    int port();

    /** The superuser that {@link #createDatabase} and {@link #dropDatabase} act as. */
    Credentials superuser();

    /** {@code jdbc:postgresql://host:port/database}. */
    String jdbcUrl(String database);

    /**
     * Creates a login role {@code name} with a random password and a database {@code name} owned by
     * it, and lets the relay role {@code sagaline_relay} (created with {@code LOGIN REPLICATION} if
     * missing) act as that role and create publications in that database, as Debezium's {@code
     * publication.autocreate.mode=filtered} needs.
     *
     * @param name a lower-case SQL identifier: letters, digits and {@code _}, at most 63 characters
     * @throws IllegalArgumentException if {@code name} is not such an identifier or is reserved
     * @throws IllegalStateException if the role or the database already exists
     */
    TestDatabase createDatabase(String name);

    /**
     * Creates database {@code name} shared by several services, as the local run lays them out: one
     * schema per entry of {@code schemas}, each owned by a login role {@code name_schema} with a
     * random password, plus a schema {@code sagaline_relay} for the relay's offsets. The relay role
     * may act as every schema's owner and create publications in the database.
     *
     * @return one entry per schema, in order, whose JDBC URL lands in that schema
     * @throws IllegalArgumentException if a name is not a lower-case SQL identifier or is reserved
     * @throws IllegalStateException if a role or the database already exists
     */
    List<TestDatabase> createDatabase(String name, List<String> schemas);

    /**
     * Drops database {@code name} and its roles ({@code name}, or the {@code name_schema} owners of
     * a shared database's schemas): ends every session on the database, drops the logical
     * replication slots of the database, then the database and the roles. Does nothing for a name
     * that does not exist.
     */
    void dropDatabase(String name);

    /** The credentials of {@code sagaline_relay}, the role the outbox relay connects as. */
    Credentials relayCredentials();

    /**
     * A pool of at most four connections to {@code database} as its owner. The caller closes it,
     * before {@link #dropDatabase} of the same database.
     */
    HikariDataSource dataSource(TestDatabase database);

    /**
     * {@code prefix} followed by {@code _} and eight random hex digits, a name no other test in
     * this or an earlier run has taken, for {@link #createDatabase}.
     */
    static String uniqueName(String prefix) {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return prefix + "_" + HexFormat.of().formatHex(random);
    }
}
