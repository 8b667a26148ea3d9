package io.sagaline.messaging;

import io.sagaline.testing.KafkaServer;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.Records;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application that consumes with nothing but the messaging module's
 * auto-configuration, on the shared test broker and a database of its own. It consumes one topic
 * of its own, {@code ${listening-application.topic}}, which has one partition, and watches that
 * topic's dead letters. Closing it removes everything it created.
 */
final class ListeningApplication implements AutoCloseable {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final PostgresServer postgres = TestInfrastructure.postgres();
    private final KafkaServer kafka = TestInfrastructure.kafka();
    private final String topic;
    private final TestDatabase database;
    private final KafkaProducer<String, String> producer;
    private final Records deadLetters;
    private @Nullable ConfigurableApplicationContext context;

    /** Creates the topic, its dead-letter topic and the database; the application starts later. */
    ListeningApplication(String name) {
        topic = name + "-" + UUID.randomUUID();
        // One partition each: messages and dead letters keep the order they were sent in.
        kafka.createTopics(1, topic, Topics.deadLetterOf(topic));
        database = postgres.createDatabase(PostgresServer.uniqueName(name.replace('-', '_')));
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
        deadLetters = Records.consume(kafka.bootstrapServers(), Topics.deadLetterOf(topic));
    }

    /** Starts {@code application} with these settings after the shared ones. */
    ConfigurableApplicationContext start(Class<?> application, String... settings) {
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.main.banner-mode=off",
                "--spring.datasource.url=" + database.jdbcUrl(),
                "--spring.datasource.username=" + database.user(),
                "--spring.datasource.password=" + database.password(),
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.kafka.consumer.group-id=" + topic,
                // One consumer on the one partition: retries are counted per consumer thread,
                // and a late-joining second thread would move the partition mid-test.
                "--spring.kafka.listener.concurrency=1",
                // The shared broker keeps its topics as they are; the test declared its own.
                "--sagaline.messaging.topics.create=false",
                // No relay runs here: whatever the listener writes to its outbox stays there.
                "--sagaline.messaging.outbox.await-relay=false",
                "--listening-application.topic=" + topic));
        arguments.addAll(List.of(settings));
        context = new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE)
                .run(arguments.toArray(String[]::new));
        return context;
    }

    String topic() {
        return topic;
    }

    /** The dead letters of the topic, as they arrive. */
    Records deadLetters() {
        return deadLetters;
    }

    /** Sends {@code value} to the topic and waits for the broker's acknowledgement. */
    long send(String key, String value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value))
                    .get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .offset();
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close();
        deadLetters.close();
        if (context != null) {
            context.close();
        }
        try (Admin admin = kafka.adminClient()) {
            admin.deleteTopics(List.of(topic, Topics.deadLetterOf(topic))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not delete the topics of " + topic, e);
        } finally {
            postgres.dropDatabase(database.name());
        }
    }
}
