package io.sagaline.testing;

/**
 * A single-node Kafka broker that belongs to one test, running as a local process so the test can
 * crash and restart it without touching the shared {@link TestInfrastructure#kafka()}. Its
 * bootstrap address stays the same across {@link #kill()} and {@link #start()}.
 *
 * <p>Methods are not meant to be called concurrently with each other; clients of the broker may
 * run on any thread.
 */
public interface DedicatedKafka extends KafkaServer, AutoCloseable {

    /**
     * Kills the broker with {@code SIGKILL}, as a crash would, and returns once its process has
     * exited. Records acknowledged by the broker survive. Does nothing if the broker is not running.
     */
    void kill();

    /**
     * Starts the broker again on the same ports and data, and returns once it answers and every
     * partition has a leader. Does nothing if it is running.
     */
    void start();

    /** Stops the broker and deletes its data. Safe to call more than once. */
    @Override
    void close();
}
