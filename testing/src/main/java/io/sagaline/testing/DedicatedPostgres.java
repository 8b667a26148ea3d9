package io.sagaline.testing;

/**
 * A PostgreSQL server that belongs to one test, running as a local process so the test can crash
 * and restart it without touching the shared {@link TestInfrastructure#postgres()}. Host, port and
 * credentials stay the same across {@link #crash()} and {@link #start()}, so connection pools and
 * services pointed at it find it again when it is back.
 *
 * <p>Methods are not meant to be called concurrently with each other; clients of the server may
 * run on any thread.
 */
public interface DedicatedPostgres extends PostgresServer, AutoCloseable {

    /**
     * Shuts the server down in immediate mode, as a crash would: every session is cut at once,
     * nothing is checkpointed, and the next start runs crash recovery from the WAL. Returns once
     * the server process has exited. Committed transactions survive. Does nothing if the server is
     * not running.
     */
    void crash();

    /**
     * Starts the server again on the same port and data, and returns once it accepts the
     * superuser. Does nothing if it is running.
     */
    void start();

    /**
     * From now on accepts TCP connections only over TLS, presenting {@code certificates}' server
     * certificate, and only with SCRAM-SHA-256 passwords ({@code hostssl ... scram-sha-256} is the
     * only TCP rule left in {@code pg_hba.conf}): a client without TLS is refused. Returns once new
     * connections see it; sessions already open stay as they are. Survives {@link #crash()} and
     * {@link #start()}. The superuser connects as before: the driver's default {@code
     * sslmode=prefer} takes TLS when the server offers it.
     */
    void requireTls(TestCertificates certificates);

    /** Stops the server and deletes its data. Safe to call more than once. */
    @Override
    void close();
}
