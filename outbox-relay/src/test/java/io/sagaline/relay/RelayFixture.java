package io.sagaline.relay;

import com.zaxxer.hikari.HikariDataSource;
import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.OutboxWriter;
import io.sagaline.messaging.SagaId;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.Records;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import io.sagaline.testing.TestRelay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fresh service databases with the messaging schema, the relay jar running against them as its
 * own process, and a way to write outbox messages the way services do.
 */
final class RelayFixture implements AutoCloseable {

    static final List<String> SERVICES = List.of("orchestrator", "payment", "inventory", "shipment", "notification");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final EnvelopeCodec CODEC = new EnvelopeCodec(JSON);

    private final PostgresServer postgres;
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final List<TestRelay> relays = new ArrayList<>();
    private final String bootstrapServers;

    /** A service database and the outbox writer over it. */
    record Service(TestDatabase database, HikariDataSource dataSource, OutboxWriter outbox, TransactionTemplate tx) {

        void write(String destination, Envelope envelope) {
            tx.executeWithoutResult(status -> outbox.append(destination, envelope));
        }

        void writeAndRollBack(String destination, Envelope envelope) {
            tx.executeWithoutResult(status -> {
                outbox.append(destination, envelope);
                status.setRollbackOnly();
            });
        }

        void inTransaction(Consumer<TransactionStatus> work) {
            tx.executeWithoutResult(work);
        }
    }

    RelayFixture(String prefix, String bootstrapServers, List<String> services) {
        this(TestInfrastructure.postgres(), prefix, bootstrapServers, services);
    }

    /** Like {@link #RelayFixture(String, String, List)}, with the databases on {@code postgres}. */
    RelayFixture(PostgresServer postgres, String prefix, String bootstrapServers, List<String> services) {
        this(postgres, prefix, bootstrapServers, services, false);
    }

    /**
     * Fresh outboxes for {@code services}: in one database with a schema each when {@code shared},
     * as the local run lays them out, else in a database each.
     */
    RelayFixture(
            PostgresServer postgres, String prefix, String bootstrapServers, List<String> services, boolean shared) {
        this.postgres = postgres;
        this.bootstrapServers = bootstrapServers;
        String runId = PostgresServer.uniqueName(prefix);
        List<TestDatabase> databases = shared
                ? postgres.createDatabase(runId, services)
                : services.stream()
                        .map(service -> postgres.createDatabase(runId + "_" + service))
                        .toList();
        for (int i = 0; i < services.size(); i++) {
            String service = services.get(i);
            TestDatabase database = databases.get(i);
            HikariDataSource dataSource = postgres.dataSource(database);
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/messaging")
                    .load()
                    .migrate();
            var tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
            this.services.put(
                    service,
                    new Service(database, dataSource, new OutboxWriter(JdbcClient.create(dataSource), CODEC), tx));
        }
    }

    Service service(String name) {
        return services.get(name);
    }

    List<Service> services() {
        return List.copyOf(services.values());
    }

    /** Starts the relay jar over every fixture database and waits until it answers. */
    TestRelay startRelay() {
        return startRelay(Map.of());
    }

    /** Starts the relay with extra environment, such as {@code SAGALINE_RELAY_POLL_INTERVAL}. */
    TestRelay startRelay(Map<String, String> environment) {
        TestRelay relay = TestRelay.start(
                postgres,
                bootstrapServers,
                services.values().stream().map(Service::database).toList(),
                environment);
        relays.add(relay);
        relay.awaitStreaming(Duration.ofSeconds(90));
        return relay;
    }

    /**
     * Waits for {@code count} records; when they do not come, the failure tells the relay's side:
     * its health (messages published per engine, restarts, last error) and the end of its log.
     */
    List<ConsumerRecord<String, String>> awaitRelayed(Records records, int count, Duration timeout) {
        try {
            return records.awaitCount(count, timeout);
        } catch (ConditionTimeoutException e) {
            TestRelay relay = relays.getLast();
            throw new AssertionError(
                    e.getMessage() + "\nrelay health: " + relay.health() + "\nlast lines of the relay's log:\n"
                            + relay.process().logTail(40),
                    e);
        }
    }

    /** The health document of the relay started last, as JSON. */
    JsonNode health() {
        return JSON.readTree(relays.getLast().health());
    }

    /** The health details of one service database's engine. */
    JsonNode engineHealth(String service) {
        return health().path("components")
                .path("relay")
                .path("details")
                .path(service(service).database().name());
    }

    List<String> databaseNames() {
        return services.values().stream().map(s -> s.database().name()).toList();
    }

    static Envelope message(SagaId sagaId, String type, int sequence) {
        return Envelope.command(
                sagaId,
                type,
                JSON.createObjectNode().put("sequence", sequence),
                sagaId + ":" + type + ":" + sequence,
                Instant.now());
    }

    @Override
    public void close() {
        relays.forEach(TestRelay::close);
        services.values().forEach(service -> service.dataSource().close());
        services.values().stream()
                .map(service -> service.database().name())
                .distinct()
                .forEach(postgres::dropDatabase);
    }
}
