package io.sagaline.relay;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code sagaline.relay}.
 *
 * @param host PostgreSQL host of the service databases
 * @param port PostgreSQL port
 * @param user a role with REPLICATION that owns (or is a member of the owner of) each outbox table
 * @param password that role's password; there is no built-in default outside the local profile
 * @param databases the databases to relay, one engine (and one replication slot) each
 * @param schemas the schemas whose {@code outbox} tables each engine reads, the same in every
 *     database: one schema per service when the services share one database (the default, ADR 20),
 *     {@code public} when each service has a database of its own
 * @param pollInterval how long Debezium waits when the WAL has nothing new, and how long it gathers
 *     a batch: the main term of relay latency; each engine wakes once per interval while idle, so
 *     fewer engines afford a shorter one (docs/adr/0003, 0015 and 0020)
 * @param maxBatchSize the largest batch one engine hands to Kafka at once
 * @param heartbeatInterval how often an idle database's slot is moved forward
 * @param offsetFlushInterval how often acknowledged positions are stored; after a crash at most
 *     this much is published a second time
 * @param offsetsTable the table, in each relayed database, holding that database's positions
 * @param restartBackoff first wait before a failed engine is restarted; doubles up to
 *     {@code maxRestartBackoff}
 * @param maxRestartBackoff longest wait between restarts of a failing engine
 * @param sslMode TLS to PostgreSQL, for the replication stream and the offsets alike: {@code
 *     disable}, {@code prefer} (TLS when the server offers it), {@code require}, {@code verify-ca}
 *     or {@code verify-full}
 * @param sslRootCert the certificate authority's file, for the {@code verify-*} modes
 */
@ConfigurationProperties("sagaline.relay")
public record RelayProperties(
        @DefaultValue("localhost") String host,
        @DefaultValue("5432") int port,
        @DefaultValue("sagaline_relay") String user,
        String password,

        @DefaultValue("sagaline") List<String> databases,

        @DefaultValue({"orchestrator", "payment", "inventory", "shipment", "notification"})
        List<String> schemas,

        @DefaultValue("8ms") Duration pollInterval,
        @DefaultValue("2048") int maxBatchSize,
        @DefaultValue("10s") Duration heartbeatInterval,
        @DefaultValue("1s") Duration offsetFlushInterval,
        @DefaultValue("relay_offsets") String offsetsTable,
        @DefaultValue("1s") Duration restartBackoff,
        @DefaultValue("1m") Duration maxRestartBackoff,
        @DefaultValue("prefer") String sslMode,
        @Nullable String sslRootCert) {

    private static final Pattern SQL_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private static final List<String> SSL_MODES = List.of("disable", "prefer", "require", "verify-ca", "verify-full");

    public RelayProperties {
        if (password == null || password.isBlank()) {
            throw new IllegalArgumentException(
                    "sagaline.relay.password is required (SAGALINE_RELAY_PASSWORD); only the local profile has a default");
        }
        if (sslRootCert != null && sslRootCert.isBlank()) {
            sslRootCert = null;
        }
        if (!SSL_MODES.contains(sslMode)) {
            throw new IllegalArgumentException(
                    "sagaline.relay.ssl-mode must be one of " + SSL_MODES + ", got '" + sslMode + "'");
        }
        if (databases.isEmpty()) {
            throw new IllegalArgumentException("sagaline.relay.databases names no database to relay");
        }
        if (schemas.isEmpty()) {
            throw new IllegalArgumentException("sagaline.relay.schemas names no schema to relay");
        }
        for (String schema : schemas) {
            if (!SQL_NAME.matcher(schema).matches()) {
                throw new IllegalArgumentException("sagaline.relay.schemas: '" + schema
                        + "' is not a lower-case SQL name (letters, digits and _)");
            }
        }
    }
}
