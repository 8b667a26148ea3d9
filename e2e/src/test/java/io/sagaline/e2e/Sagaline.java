package io.sagaline.e2e;

import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.zaxxer.hikari.HikariDataSource;
import io.sagaline.messaging.Topics;
import io.sagaline.testing.ApiClient;
import io.sagaline.testing.JavaProcess;
import io.sagaline.testing.KafkaServer;
import io.sagaline.testing.Ports;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.TestAccounts;
import io.sagaline.testing.TestConnect;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import io.sagaline.testing.TestRelay;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole system for one test class: one database with a schema per service, topics of its own
 * on the broker, the outbox relay and the five services as separate processes from their jars, with the
 * participants' demo data, and a mail server in this JVM that the test can stop and start.
 * Components can be killed and restarted. Close it to stop everything and drop the databases.
 */
final class Sagaline implements AutoCloseable {

    static final String OPERATOR = "operator";

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final int PARTITIONS = 3;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String run;
    private final PostgresServer postgres;
    private final KafkaServer kafka;
    private final Map<Service, TestDatabase> databases = new EnumMap<>(Service.class);
    private final Map<String, String> topics = new LinkedHashMap<>();
    private final Map<Service, Integer> ports = new EnumMap<>(Service.class);
    private final Map<Service, JavaProcess> processes = new EnumMap<>(Service.class);
    /** Instances of a service beyond the first, on the same database and consumer group. */
    private final Map<Service, List<JavaProcess>> moreInstances = new EnumMap<>(Service.class);

    private final Map<Service, List<Integer>> morePorts = new EnumMap<>(Service.class);
    private final int smtpPort;
    private final List<MimeMessage> mailsOfStoppedServers = new ArrayList<>();
    private final Map<Service, HikariDataSource> dataSources = new EnumMap<>(Service.class);
    private GreenMail mail;
    private @Nullable TestRelay relay;
    /** The Kafka Connect cluster that relays instead of {@link #relay}, if this system uses one. */
    private final boolean viaConnect;

    private @Nullable TestConnect connect;
    private @Nullable String connector;
    /** The order saga version new sagas start on; the orchestrator's default (the newest) if null. */
    private @Nullable Integer orderVersion;

    private Sagaline(String name, PostgresServer postgres, KafkaServer kafka, boolean viaConnect) {
        this.run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.postgres = postgres;
        this.kafka = kafka;
        this.viaConnect = viaConnect;
        this.smtpPort = freePort();
    }

    /** Starts the system on the shared test servers. */
    static Sagaline start(String name) {
        return start(name, TestInfrastructure.postgres(), TestInfrastructure.kafka());
    }

    /** Starts the system on the given servers, such as dedicated ones a test may kill. */
    static Sagaline start(String name, PostgresServer postgres, KafkaServer kafka) {
        return start(name, postgres, kafka, 1);
    }

    /** Starts the system with {@code orchestrators} orchestrator instances sharing its database. */
    static Sagaline start(String name, PostgresServer postgres, KafkaServer kafka, int orchestrators) {
        return start(new Sagaline(name, postgres, kafka, false), orchestrators, 1);
    }

    /** Starts the system with {@code instances} instances of every service, each kind in one group. */
    static Sagaline startWithInstances(String name, PostgresServer postgres, KafkaServer kafka, int instances) {
        return start(new Sagaline(name, postgres, kafka, false), instances, instances);
    }

    /**
     * Starts the system with its outboxes relayed by the connector of infra/connect/ on a Kafka
     * Connect cluster of two workers ({@link TestConnect}) instead of the embedded relay.
     */
    static Sagaline startWithConnect(String name, PostgresServer postgres, KafkaServer kafka) {
        return start(new Sagaline(name, postgres, kafka, true), 1, 1);
    }

    private static Sagaline start(Sagaline system, int orchestrators, int participants) {
        try {
            system.create();
            for (Service service : Service.values()) {
                int instances = service == Service.ORCHESTRATOR ? orchestrators : participants;
                for (int instance = 1; instance < instances; instance++) {
                    system.startAnother(service);
                }
            }
            return system;
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
    }

    private void create() {
        // One database with a schema per service, as the local run lays them out (ADR 20).
        List<TestDatabase> schemas = postgres.createDatabase(
                PostgresServer.uniqueName("e2e_sagaline"),
                Arrays.stream(Service.values()).map(Service::schema).toList());
        for (Service service : Service.values()) {
            databases.put(service, schemas.get(service.ordinal()));
            ports.put(service, freePort());
        }
        List<String> created = new ArrayList<>();
        for (String topic : List.of(
                Topics.PAYMENT_COMMANDS,
                Topics.INVENTORY_COMMANDS,
                Topics.SHIPMENT_COMMANDS,
                Topics.NOTIFICATION_COMMANDS,
                Topics.SAGA_REPLIES,
                Topics.ORDERS_REQUESTS)) {
            String renamed = run + "-" + topic;
            topics.put(topic, renamed);
            created.add(renamed);
            created.add(Topics.deadLetterOf(renamed));
        }
        kafka.createTopics(PARTITIONS, created.toArray(String[]::new));
        startMail();
        if (viaConnect) {
            connect = TestConnect.start(run, 2, postgres, kafka.bootstrapServers());
        } else {
            relay = TestRelay.start(postgres, kafka.bootstrapServers(), List.copyOf(databases.values()), Map.of());
        }
        for (Service service : Service.values()) {
            processes.put(service, process(service).start());
        }
        if (connect != null) {
            // Each service creates its outbox, then holds its start until the connector's slot exists.
            awaitOutboxTables();
            connector = connect.register(
                    "sagaline-outbox.json",
                    postgres,
                    databases.get(Service.ORCHESTRATOR).name());
        }
        for (Service service : Service.values()) {
            awaitReady(service);
        }
    }

    /** The topic that stands for {@code topic} (as {@link Topics} names it) in this run. */
    String topic(String topic) {
        return topics.get(topic);
    }

    /**
     * How many messages went to this run's dead-letter topics in all. A message is dead-lettered
     * only when it cannot be handled, so after crashes and outages this is zero.
     */
    long deadLetters() {
        List<String> deadLetterTopics =
                topics.values().stream().map(Topics::deadLetterOf).toList();
        try (Admin admin = kafka.adminClient()) {
            Map<TopicPartition, OffsetSpec> ends = new LinkedHashMap<>();
            admin.describeTopics(deadLetterTopics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .flatMap(topic -> topic.partitions().stream()
                            .map(partition -> new TopicPartition(topic.name(), partition.partition())))
                    .forEach(partition -> ends.put(partition, OffsetSpec.latest()));
            return admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResultInfo::offset)
                    .sum();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not count the dead letters of run " + run, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting the dead letters of run " + run, e);
        }
    }

    PostgresServer postgres() {
        return postgres;
    }

    KafkaServer kafka() {
        return kafka;
    }

    TestRelay relay() {
        return Objects.requireNonNull(relay, "this system relays through Kafka Connect");
    }

    /** The Kafka Connect cluster that relays the outboxes, for a system started with one. */
    TestConnect connect() {
        return Objects.requireNonNull(connect, "this system relays through the embedded relay");
    }

    /** The name of the outbox connector on {@link #connect()}. */
    String connector() {
        return Objects.requireNonNull(connector, "this system relays through the embedded relay");
    }

    /** Every mail the mail server took since the system started, across its restarts. */
    synchronized List<MimeMessage> mails() {
        List<MimeMessage> all = new ArrayList<>(mailsOfStoppedServers);
        all.addAll(List.of(mail.getReceivedMessages()));
        return all;
    }

    /** A connection pool to the service's database, for checking what the service did. */
    synchronized DataSource dataSource(Service service) {
        return dataSources.computeIfAbsent(service, key -> postgres.dataSource(databases.get(key)));
    }

    /** The orchestrator's API; of its first instance when there are several. */
    ApiClient orchestrator() {
        return api(Service.ORCHESTRATOR);
    }

    /** The API of every orchestrator instance, the first one first. */
    List<ApiClient> orchestrators() {
        List<ApiClient> all = new ArrayList<>();
        for (int instance = 0; instance < instances(Service.ORCHESTRATOR); instance++) {
            all.add(new ApiClient("http://127.0.0.1:" + port(Service.ORCHESTRATOR, instance)).as(TestAccounts.CLIENT));
        }
        return all;
    }

    /** Kills orchestrator instance {@code instance} (0 for the first) with {@code SIGKILL}. */
    void kill9Orchestrator(int instance) {
        kill9(Service.ORCHESTRATOR, instance);
    }

    /** Starts orchestrator instance {@code instance} again and waits until it is ready. */
    void restartOrchestrator(int instance) {
        restart(Service.ORCHESTRATOR, instance);
    }

    /** How many instances of the service run (or ran, before a kill). */
    int instances(Service service) {
        return 1 + moreInstances.getOrDefault(service, List.of()).size();
    }

    /** Kills instance {@code instance} (0 for the first) of the service with {@code SIGKILL}. */
    void kill9(Service service, int instance) {
        process(service, instance).kill9();
    }

    /** Starts instance {@code instance} of the service again and waits until it is ready. */
    void restart(Service service, int instance) {
        process(service, instance).start();
        awaitReady(service, instance);
    }

    /** The Prometheus text of the service's instance {@code instance}: its metrics, as a scraper sees them. */
    String metrics(Service service, int instance) {
        return new ApiClient("http://127.0.0.1:" + port(service, instance))
                .getText("/actuator/prometheus")
                .body();
    }

    /**
     * The service's API, called as a deployment would: the orchestrator as the shop's client (it
     * places orders), a participant as the operator (who stocks it).
     */
    ApiClient api(Service service) {
        return new ApiClient("http://127.0.0.1:" + ports.get(service))
                .as(service == Service.ORCHESTRATOR ? TestAccounts.CLIENT : TestAccounts.OPERATOR);
    }

    /** Kills the service with {@code SIGKILL}, as a crash would. */
    void kill9(Service service) {
        processes.get(service).kill9();
    }

    /** Stops the service gracefully. */
    void stop(Service service) {
        processes.get(service).stop();
    }

    /** Starts a stopped or killed service again and waits until it is ready. */
    void restart(Service service) {
        processes.get(service).start();
        awaitReady(service);
    }

    /**
     * Stops the orchestrator and starts it again so that new sagas start on {@code version} of the
     * order saga, as {@code sagaline.orchestrator.start-versions} lets an operator roll back; sagas
     * under way keep the version they started with.
     */
    void startNewOrdersOn(int version) {
        stop(Service.ORCHESTRATOR);
        orderVersion = version;
        processes.put(Service.ORCHESTRATOR, process(Service.ORCHESTRATOR).start());
        awaitReady(Service.ORCHESTRATOR);
    }

    /** Stops the mail server: the notification service's sends fail until {@link #startMail}. */
    synchronized void stopMail() {
        mailsOfStoppedServers.addAll(List.of(mail.getReceivedMessages()));
        mail.stop();
    }

    synchronized void startMail() {
        mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
    }

    @Override
    public void close() {
        moreInstances.values().forEach(instances -> instances.forEach(JavaProcess::close));
        processes.values().forEach(JavaProcess::close);
        if (relay != null) {
            relay.close();
        }
        if (connect != null) {
            connect.close();
        }
        if (mail != null) {
            mail.stop();
        }
        dataSources.values().forEach(HikariDataSource::close);
        databases.values().stream().map(TestDatabase::name).distinct().forEach(postgres::dropDatabase);
    }

    /** Waits until every service has created its outbox, and the orchestrator its heartbeat table. */
    private void awaitOutboxTables() {
        List<String> schemas =
                Arrays.stream(Service.values()).map(Service::schema).toList();
        var jdbc = JdbcClient.create(dataSource(Service.ORCHESTRATOR));
        await("every service's outbox table")
                .atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> jdbc.sql("""
                                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                WHERE (n.nspname = ANY (?) AND c.relname = 'outbox')
                                   OR (n.nspname = ? AND c.relname = 'relay_heartbeat')
                                """)
                                .param(schemas.toArray(String[]::new))
                                .param(Service.ORCHESTRATOR.schema())
                                .query(Long.class)
                                .single()
                        == schemas.size() + 1);
    }

    /** Starts one more instance of the service, in the same consumer group, and waits until it is ready. */
    private void startAnother(Service service) {
        int port = freePort();
        List<JavaProcess> more = moreInstances.computeIfAbsent(service, key -> new ArrayList<>());
        int instance = more.size() + 1;
        more.add(process(service, port, service.module() + "-" + (instance + 1)).start());
        morePorts.computeIfAbsent(service, key -> new ArrayList<>()).add(port);
        awaitReady(service, instance);
    }

    private JavaProcess process(Service service, int instance) {
        return instance == 0
                ? processes.get(service)
                : moreInstances.get(service).get(instance - 1);
    }

    private int port(Service service, int instance) {
        return instance == 0 ? ports.get(service) : morePorts.get(service).get(instance - 1);
    }

    private void awaitReady(Service service) {
        awaitReady(service, 0);
    }

    private void awaitReady(Service service, int instance) {
        process(service, instance)
                .awaitHealthy(
                        URI.create("http://127.0.0.1:" + port(service, instance) + "/actuator/health/readiness"),
                        START_TIMEOUT);
    }

    private JavaProcess process(Service service) {
        return process(service, ports.get(service), service.module());
    }

    private JavaProcess process(Service service, int port, String logName) {
        TestDatabase database = databases.get(service);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("server.port", port);
        properties.put("spring.datasource.url", database.jdbcUrl());
        properties.put("spring.datasource.username", database.user());
        properties.put("spring.datasource.password", database.password());
        properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        properties.put("sagaline.messaging.topics.create", false);
        properties.putAll(TestAccounts.properties());
        String replies = topics.get(Topics.SAGA_REPLIES);
        if (service == Service.ORCHESTRATOR) {
            properties.put("sagaline.orchestrator.replies-topic", replies);
            properties.put("sagaline.orchestrator.requests-topic", topics.get(Topics.ORDERS_REQUESTS));
            properties.put("sagaline.orchestrator.consumer-group", run + "-orchestrator");
            Map<String, String> commandTopics = new LinkedHashMap<>(topics);
            commandTopics.remove(Topics.SAGA_REPLIES);
            commandTopics.remove(Topics.ORDERS_REQUESTS);
            properties.put("sagaline.orchestrator.command-topics", commandTopics);
            if (orderVersion != null) {
                properties.put("sagaline.orchestrator.start-versions", Map.of("order", orderVersion));
            }
        } else {
            properties.put(service.propertyPrefix() + ".commands-topic", topics.get(service.commandsTopic()));
            properties.put(service.propertyPrefix() + ".replies-topic", replies);
            properties.put(service.propertyPrefix() + ".consumer-group", run + "-" + service.module());
        }
        if (service == Service.NOTIFICATION) {
            properties.put("spring.mail.host", "127.0.0.1");
            properties.put("spring.mail.port", smtpPort);
        }
        return JavaProcess.builder(service.jar())
                .env("SPRING_APPLICATION_JSON", JSON.writeValueAsString(properties))
                .env("SPRING_PROFILES_ACTIVE", service == Service.ORCHESTRATOR ? "default" : "demo")
                .jvmArg("-Xmx320m")
                .jvmArg("-XX:TieredStopAtLevel=1")
                .logFile(Path.of("target", "e2e-logs", run, logName + ".log").toAbsolutePath())
                .build();
    }

    private static int freePort() {

        return Ports.free();
    }
}
