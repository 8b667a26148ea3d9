package io.sagaline.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kafka Connect connectors in infra/connect are the scaled-out relay: they must read the same
 * rows and publish the same messages as the embedded engines.
 */
class ConnectorConfigsMatchEmbeddedRelayTest {

    private static final Path CONNECT = Path.of("..", "infra", "connect");

    @ParameterizedTest
    @ValueSource(strings = {"orchestrator", "payment", "inventory", "shipment", "notification"})
    void connectConnectorRoutesLikeTheEmbeddedEngine(String database) throws IOException {
        JsonNode connector =
                JsonMapper.builder().build().readTree(Files.readString(CONNECT.resolve(database + "-outbox.json")));
        JsonNode config = connector.get("config");

        Map<String, String> embedded = OutboxConnectorConfig.routing(database);
        for (Map.Entry<String, String> setting : embedded.entrySet()) {
            assertThat(config.path(setting.getKey()).asString(null))
                    .as("%s in infra/connect/%s-outbox.json", setting.getKey(), database)
                    .isEqualTo(setting.getValue());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"orchestrator", "payment"})
    void connectConnectorAddsNoRoutingTransformOfItsOwn(String database) throws IOException {
        JsonNode config = JsonMapper.builder()
                .build()
                .readTree(Files.readString(CONNECT.resolve(database + "-outbox.json")))
                .get("config");
        List<String> transforms = List.of(config.get("transforms").asString().split(","));
        assertThat(transforms).containsExactly("dropHeartbeatRows", "outbox");
    }
}
