package io.sagaline.relay.internal;

import io.sagaline.relay.RelayProperties;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The Debezium settings of one database's engine. The settings that shape what reaches Kafka are
 * the same as those of the Kafka Connect connectors in {@code infra/connect/}, so the scaled-out
 * relay publishes the same messages; a test holds the two together.
 */
final class OutboxConnectorConfig {

    static final String HEARTBEAT_TOPIC_PREFIX = "__debezium-heartbeat";

    private OutboxConnectorConfig() {}

    /**
     * The publication each engine reads through; the services check for it and for the slot
     * before they start (the messaging module's {@code RelayNames}, held equal by a test).
     */
    static final String PUBLICATION = "sagaline_outbox";

    /** A database's replication slot: this prefix and the database's name. */
    static final String SLOT_PREFIX = "sagaline_outbox_";

    /** The Kafka headers of the outbox row's id and type (the messaging module's {@code MessageHeaders}). */
    static final String MESSAGE_ID_HEADER = "sagaline-message-id";

    static final String MESSAGE_TYPE_HEADER = "sagaline-message-type";

    /**
     * What decides which rows are read and what is published: identical on Kafka Connect. One
     * engine reads the {@code outbox} table of every schema in {@code schemas}; the heartbeat goes
     * to the first schema's {@code relay_heartbeat}, which is enough to move the database's one
     * slot forward.
     */
    static Map<String, String> routing(String database, List<String> schemas) {
        String prefix = topicPrefix(database);
        String heartbeatTable = heartbeatTable(schemas);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        config.put("plugin.name", "pgoutput");
        config.put("database.dbname", database);
        config.put("topic.prefix", prefix);
        config.put("slot.name", slotName(database));
        config.put("publication.name", PUBLICATION);
        config.put("publication.autocreate.mode", "filtered");
        config.put("table.include.list", String.join(",", capturedTables(schemas)));
        // The outbox is empty by design (insert-then-delete), so there is nothing to snapshot.
        config.put("snapshot.mode", "no_data");
        // Outbox rows are deleted in the transaction that inserted them (ADR 2): the publication
        // publishes no deletes, so PostgreSQL never decodes or sends them (ADR 16).
        config.put("skipped.operations", "d,t");
        config.put("slot.drop.on.stop", "false");
        config.put("heartbeat.interval.ms", "10000");
        config.put(
                "heartbeat.action.query",
                "INSERT INTO " + heartbeatTable + " (id, beat_at) VALUES (1, now()) "
                        + "ON CONFLICT (id) DO UPDATE SET beat_at = EXCLUDED.beat_at");
        config.put("transforms", "dropHeartbeatRows,outbox");
        config.put("transforms.dropHeartbeatRows.type", "org.apache.kafka.connect.transforms.Filter");
        config.put("transforms.dropHeartbeatRows.predicate", "isHeartbeatRow");
        config.put("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        config.put("transforms.outbox.predicate", "isOutboxRow");
        config.put("transforms.outbox.route.by.field", "aggregatetype");
        config.put("transforms.outbox.route.topic.replacement", "${routedByValue}");
        config.put("transforms.outbox.table.field.event.key", "aggregateid");
        config.put(
                "transforms.outbox.table.fields.additional.placement",
                "id:header:" + MESSAGE_ID_HEADER + ",type:header:" + MESSAGE_TYPE_HEADER);
        config.put("transforms.outbox.table.expand.json.payload", "false");
        config.put("predicates", "isOutboxRow,isHeartbeatRow");
        config.put("predicates.isOutboxRow.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
        config.put("predicates.isOutboxRow.pattern", escaped(prefix) + "\\." + anyOf(schemas) + "\\.outbox");
        config.put("predicates.isHeartbeatRow.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
        config.put("predicates.isHeartbeatRow.pattern", escaped(prefix + "." + heartbeatTable));
        return config;
    }

    /** The tables an engine reads: each schema's {@code outbox}, then the heartbeat table. */
    static List<String> capturedTables(List<String> schemas) {
        List<String> tables = new ArrayList<>();
        schemas.forEach(schema -> tables.add(schema + ".outbox"));
        tables.add(heartbeatTable(schemas));
        return tables;
    }

    /** The table the heartbeat writes: {@code relay_heartbeat} in the first schema. */
    private static String heartbeatTable(List<String> schemas) {
        return schemas.getFirst() + ".relay_heartbeat";
    }

    private static String escaped(String name) {
        return name.replace(".", "\\.");
    }

    private static String anyOf(List<String> schemas) {
        return schemas.size() == 1 ? schemas.getFirst() : "(" + String.join("|", schemas) + ")";
    }

    /** The full embedded-engine configuration: routing plus connection, offsets and tuning. */
    static Properties engine(RelayProperties relay, String database) {
        Properties props = new Properties();
        props.putAll(routing(database, relay.schemas()));
        props.setProperty("name", "sagaline-outbox-" + database);
        props.setProperty("database.hostname", relay.host());
        props.setProperty("database.port", Integer.toString(relay.port()));
        props.setProperty("database.user", relay.user());
        props.setProperty("database.password", relay.password());
        props.setProperty("database.sslmode", relay.sslMode());
        if (relay.sslRootCert() != null) {
            props.setProperty("database.sslrootcert", relay.sslRootCert());
        }
        props.setProperty(
                "heartbeat.interval.ms", Long.toString(relay.heartbeatInterval().toMillis()));
        props.setProperty(
                "poll.interval.ms",
                Long.toString(Math.max(1, relay.pollInterval().toMillis())));
        props.setProperty("max.batch.size", Integer.toString(relay.maxBatchSize()));
        props.setProperty("max.queue.size", Integer.toString(relay.maxBatchSize() * 4));
        // Debezium's queue with its end-of-window spin replaced by a sleep (ADR 15).
        props.setProperty("queue.provider.type", YieldingQueueProvider.NAME);

        // Positions live in the relayed database itself: durable, backed up with the data they
        // describe, and gone with it.
        props.setProperty("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore");
        props.setProperty("offset.storage.jdbc.connection.url", jdbcUrl(relay, database));
        props.setProperty("offset.storage.jdbc.connection.user", relay.user());
        props.setProperty("offset.storage.jdbc.connection.password", relay.password());
        props.setProperty("offset.storage.jdbc.table.name", relay.offsetsTable());
        props.setProperty(
                "offset.flush.interval.ms",
                Long.toString(relay.offsetFlushInterval().toMillis()));
        props.setProperty("offset.flush.timeout.ms", "10000");

        // Records are forwarded in order by one consumer per engine; ordering per key depends on it.
        props.setProperty("record.processing.order", "ORDERED");
        // Debezium first retries a lost connection itself (a failover, a restarted server); only
        // when that fails does the engine stop and RelayEngine restart it with backoff.
        props.setProperty("errors.max.retries", "3");
        props.setProperty("retriable.restart.connector.wait.ms", "1000");
        props.setProperty("errors.retry.delay.initial.ms", "500");
        return props;
    }

    static String jdbcUrl(RelayProperties relay, String database) {
        String url = "jdbc:postgresql://" + relay.host() + ":" + relay.port() + "/" + database + "?sslmode="
                + relay.sslMode();
        return relay.sslRootCert() == null
                ? url
                : url + "&sslrootcert=" + URLEncoder.encode(relay.sslRootCert(), StandardCharsets.UTF_8);
    }

    static String slotName(String database) {
        return SLOT_PREFIX + database;
    }

    static String topicPrefix(String database) {
        return "sagaline." + database;
    }
}
