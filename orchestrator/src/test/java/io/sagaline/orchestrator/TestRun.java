package io.sagaline.orchestrator;

import io.sagaline.messaging.Topics;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.ServiceProperties;
import io.sagaline.testing.TestAccounts;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The database and topics of one test class's run, its own so that runs on a shared broker and
 * server never see each other's messages.
 *
 * @param commandTopics the topic each command topic of the saga definition is renamed to
 */
record TestRun(TestDatabase database, Map<String, String> commandTopics, String replies, String requests) {

    static final int PARTITIONS = 3;

    /** Creates the database and the topics, with a dead-letter topic for each consumed one. */
    static TestRun create(String name) {
        String run = name + "-" + UUID.randomUUID();
        Map<String, String> commands = new LinkedHashMap<>();
        for (String topic : List.of(
                Topics.PAYMENT_COMMANDS,
                Topics.INVENTORY_COMMANDS,
                Topics.SHIPMENT_COMMANDS,
                Topics.NOTIFICATION_COMMANDS)) {
            commands.put(topic, run + "-" + topic);
        }
        var testRun = new TestRun(
                TestInfrastructure.postgres().createDatabase(PostgresServer.uniqueName(name.replace('-', '_'))),
                commands,
                run + "-" + Topics.SAGA_REPLIES,
                run + "-" + Topics.ORDERS_REQUESTS);
        List<String> topics = new ArrayList<>(commands.values());
        topics.addAll(List.of(
                testRun.replies,
                Topics.deadLetterOf(testRun.replies),
                testRun.requests,
                Topics.deadLetterOf(testRun.requests)));
        TestInfrastructure.kafka().createTopics(PARTITIONS, topics.toArray(String[]::new));
        return testRun;
    }

    /** Drops the database and its replication slot: the server has few slots. Stop the relay first. */
    void drop() {
        TestInfrastructure.postgres().dropDatabase(database.name());
    }

    /** Spring properties pointing an orchestrator at this run's database and topics. */
    void register(DynamicPropertyRegistry registry) {
        ServiceProperties.connect(registry, database);
        registry.add("sagaline.orchestrator.replies-topic", this::replies);
        registry.add("sagaline.orchestrator.requests-topic", this::requests);
        registry.add("sagaline.orchestrator.consumer-group", this::replies);
        commandTopics.forEach(
                (topic, renamed) -> registry.add("sagaline.orchestrator.command-topics[" + topic + "]", () -> renamed));
        registry.add("sagaline.messaging.topics.create", () -> "false");
    }

    /** The same, as environment variables for an orchestrator process. */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("SPRING_DATASOURCE_URL", database.jdbcUrl());
        environment.put("SPRING_DATASOURCE_USERNAME", database.user());
        environment.put("SPRING_DATASOURCE_PASSWORD", database.password());
        environment.put(
                "SPRING_KAFKA_BOOTSTRAP_SERVERS", TestInfrastructure.kafka().bootstrapServers());
        environment.put("SAGALINE_ORCHESTRATOR_REPLIES_TOPIC", replies);
        environment.put("SAGALINE_ORCHESTRATOR_REQUESTS_TOPIC", requests);
        environment.put("SAGALINE_ORCHESTRATOR_CONSUMER_GROUP", replies);
        environment.put("SAGALINE_MESSAGING_TOPICS_CREATE", "false");
        environment.putAll(TestAccounts.environment());
        // Map keys with dots cannot be written as environment variables; JSON can carry them.
        StringBuilder json = new StringBuilder("{\"sagaline.orchestrator.command-topics\":{");
        commandTopics.forEach((topic, renamed) ->
                json.append('"').append(topic).append("\":\"").append(renamed).append("\","));
        json.setLength(json.length() - 1);
        json.append("}}");
        environment.put("SPRING_APPLICATION_JSON", json.toString());
        return environment;
    }
}
