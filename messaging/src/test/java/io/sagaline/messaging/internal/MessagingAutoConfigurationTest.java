package io.sagaline.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.Inbox;
import io.sagaline.messaging.OutboxWriter;
import io.sagaline.messaging.Topics;
import java.util.Collection;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

/** Which beans the auto-configuration contributes; nothing here connects to a database or broker. */
class MessagingAutoConfigurationTest {

    // Never connected to: the beans under test only hold on to it.
    private static final SimpleDriverDataSource NOWHERE = new SimpleDriverDataSource();

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    JacksonAutoConfiguration.class, KafkaAutoConfiguration.class, MessagingAutoConfiguration.class))
            .withPropertyValues("spring.kafka.admin.auto-create=false", "sagaline.messaging.outbox.await-relay=false")
            .withBean(JdbcClient.class, () -> JdbcClient.create(NOWHERE))
            .withBean(
                    TransactionOperations.class,
                    () -> new TransactionTemplate(new DataSourceTransactionManager(NOWHERE)));

    @Test
    void holdsTheStartUntilTheRelaysSlotExistsWhenAsked() {
        // NOWHERE has no database, so the gate never finds the slot: the start must fail on it.
        context.withPropertyValues(
                        "sagaline.messaging.outbox.await-relay=true",
                        "sagaline.messaging.outbox.relay-wait-timeout=100ms")
                .run(app -> assertThat(app).hasFailed().getFailure().hasMessageContaining("relaySlotGate"));
    }

    @Test
    void registersTheMessagingPlumbing() {
        context.run(app -> {
            assertThat(app).hasSingleBean(EnvelopeCodec.class);
            assertThat(app).hasSingleBean(OutboxWriter.class);
            assertThat(app).hasSingleBean(Inbox.class);
            assertThat(app).hasSingleBean(InboxPurger.class);
            assertThat(app).getBean(CommonErrorHandler.class).isInstanceOf(DefaultErrorHandler.class);
        });
    }

    @Test
    void declaresEveryConsumedTopicAndItsDeadLetterTopic() {
        context.withPropertyValues(
                        "sagaline.messaging.topics.partitions=3", "sagaline.messaging.topics.replication-factor=1")
                .run(app -> {
                    // NewTopics exposes its topics to KafkaAdmin only.
                    Collection<NewTopic> topics =
                            ReflectionTestUtils.invokeMethod(app.getBean(KafkaAdmin.NewTopics.class), "getNewTopics");

                    assertThat(topics)
                            .extracting(NewTopic::name)
                            .containsExactlyInAnyOrderElementsOf(Topics.CONSUMED.stream()
                                    .flatMap(topic -> Stream.of(topic, Topics.deadLetterOf(topic)))
                                    .toList());
                    assertThat(topics).allSatisfy(topic -> {
                        assertThat(topic.numPartitions()).isEqualTo(3);
                        assertThat(topic.replicationFactor()).isEqualTo((short) 1);
                    });
                });
    }

    @Test
    void declaresNoTopicsWhenToldNotTo() {
        context.withPropertyValues("sagaline.messaging.topics.create=false")
                .run(app -> assertThat(app).doesNotHaveBean(KafkaAdmin.NewTopics.class));
    }

    @Test
    void backsOffForTheApplicationsOwnErrorHandler() {
        CommonErrorHandler own = new DefaultErrorHandler();

        context.withBean("ownErrorHandler", CommonErrorHandler.class, () -> own)
                .run(app -> assertThat(app).getBean(CommonErrorHandler.class).isSameAs(own));
    }

    @Test
    void addsTheMessagingMigrationsToTheServicesOwnOnce() {
        context.run(app -> {
            FlywayConfigurationCustomizer customizer = app.getBean(FlywayConfigurationCustomizer.class);
            FluentConfiguration flyway = Flyway.configure().locations("classpath:db/migration");

            customizer.customize(flyway);
            customizer.customize(flyway);

            // Flyway orders migrations by version, whatever the order of their locations.
            assertThat(flyway.getLocations())
                    .containsExactlyInAnyOrder(
                            new Location("classpath:db/migration"),
                            new Location(MessagingAutoConfiguration.MIGRATIONS));
        });
    }
}
