package io.sagaline.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaline.relay.RelayProperties;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** TLS to PostgreSQL reaches both of the relay's connections: the replication stream and the offsets. */
class RelayTlsSettingsTest {

    @Test
    void prefersTlsByDefault() {
        RelayProperties relay = bind(Map.of());

        assertThat(OutboxConnectorConfig.engine(relay, "payment").getProperty("database.sslmode"))
                .isEqualTo("prefer");
        assertThat(OutboxConnectorConfig.jdbcUrl(relay, "payment"))
                .isEqualTo("jdbc:postgresql://localhost:5432/payment?sslmode=prefer");
    }

    @Test
    void verifiesTheServerAgainstTheGivenAuthorityOnBothConnections() {
        RelayProperties relay = bind(Map.of(
                "sagaline.relay.ssl-mode", "verify-full", "sagaline.relay.ssl-root-cert", "/etc/sagaline/pg ca.crt"));

        var engine = OutboxConnectorConfig.engine(relay, "payment");

        assertThat(engine.getProperty("database.sslmode")).isEqualTo("verify-full");
        assertThat(engine.getProperty("database.sslrootcert")).isEqualTo("/etc/sagaline/pg ca.crt");
        assertThat(engine.getProperty("offset.storage.jdbc.connection.url"))
                .isEqualTo("jdbc:postgresql://localhost:5432/payment?sslmode=verify-full"
                        + "&sslrootcert=%2Fetc%2Fsagaline%2Fpg+ca.crt");
    }

    @Test
    void refusesAModeThePostgresDriverDoesNotKnow() {
        assertThatThrownBy(() -> bind(Map.of("sagaline.relay.ssl-mode", "on")))
                .hasStackTraceContaining("sagaline.relay.ssl-mode must be one of");
    }

    private static RelayProperties bind(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("sagaline.relay.password", "secret");
        return new Binder(new MapConfigurationPropertySource(all))
                .bindOrCreate("sagaline.relay", RelayProperties.class);
    }
}
