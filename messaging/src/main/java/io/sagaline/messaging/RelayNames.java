package io.sagaline.messaging;

/**
 * The PostgreSQL names the outbox relay reads each service database through, which a service
 * checks for before it starts ({@link MessagingProperties.OutboxSettings}). The relay holds the
 * same names in its own module, which does not depend on this one; a relay test holds the two
 * equal, and {@code infra/connect/} uses them for Kafka Connect.
 */
public final class RelayNames {

    /** The publication of every outbox table (and the heartbeat table) of a database. */
    public static final String PUBLICATION = "sagaline_outbox";

    /** A database's replication slot is this prefix followed by the database's name. */
    public static final String SLOT_PREFIX = "sagaline_outbox_";

    private RelayNames() {}

    /** The replication slot the relay reads {@code database} through. */
    public static String slotOf(String database) {
        return SLOT_PREFIX + database;
    }
}
