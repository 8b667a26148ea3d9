package io.sagaline.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kafka Connect connectors in infra/connect are the scaled-out relay: they must read the same
 * rows and publish the same messages as the embedded engines.
 */
class ConnectorConfigsMatchEmbeddedRelayTest {

    private static final Path CONNECT = Path.of("..", "infra", "connect");

    private static final List<String> SERVICE_SCHEMAS =
            List.of("orchestrator", "payment", "inventory", "shipment", "notification");

    /** The shared database of the local run (one schema per service), then a database per service. */
    static Stream<Arguments> connectors() {
        return Stream.concat(
                Stream.of(arguments("sagaline", SERVICE_SCHEMAS)),
                SERVICE_SCHEMAS.stream().map(database -> arguments(database, List.of("public"))));
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void connectConnectorRoutesLikeTheEmbeddedEngine(String database, List<String> schemas) throws IOException {
        JsonNode connector =
                JsonMapper.builder().build().readTree(Files.readString(CONNECT.resolve(database + "-outbox.json")));
        JsonNode config = connector.get("config");

        Map<String, String> embedded = OutboxConnectorConfig.routing(database, schemas);
        for (Map.Entry<String, String> setting : embedded.entrySet()) {
            assertThat(config.path(setting.getKey()).asString(null))
                    .as("%s in infra/connect/%s-outbox.json", setting.getKey(), database)
                    .isEqualTo(setting.getValue());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sagaline", "orchestrator", "payment"})
    void connectConnectorAddsNoRoutingTransformOfItsOwn(String database) throws IOException {
        JsonNode config = JsonMapper.builder()
                .build()
                .readTree(Files.readString(CONNECT.resolve(database + "-outbox.json")))
                .get("config");
        List<String> transforms = List.of(config.get("transforms").asString().split(","));
        assertThat(transforms).containsExactly("dropHeartbeatRows", "outbox");
    }
}
