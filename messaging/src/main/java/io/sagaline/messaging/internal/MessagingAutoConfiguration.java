package io.sagaline.messaging.internal;

import io.sagaline.messaging.DeadLetters;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.IdempotentCommands;
import io.sagaline.messaging.Inbox;
import io.sagaline.messaging.MessagingProperties;
import io.sagaline.messaging.OutboxWriter;
import io.sagaline.messaging.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.flywaydb.core.api.Location;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.transaction.support.TransactionOperations;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registers the messaging plumbing in a Sagaline service: codec, outbox writer, inbox with its
 * purge job, the messaging Flyway migrations, dead-letter error handling and topic declarations.
 * Each bean backs off when the application defines its own.
 */
@AutoConfiguration(
        after = {
            JacksonAutoConfiguration.class,
            JdbcClientAutoConfiguration.class,
            TransactionAutoConfiguration.class,
            KafkaAutoConfiguration.class
        },
        before = FlywayAutoConfiguration.class)
@EnableConfigurationProperties(MessagingProperties.class)
public class MessagingAutoConfiguration {

    /** Where the migrations of the outbox, inbox and relay heartbeat tables live. */
    public static final String MIGRATIONS = "classpath:db/messaging";

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    EnvelopeCodec envelopeCodec(JsonMapper mapper) {
        return new EnvelopeCodec(mapper);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(JdbcClient.class)
    static class Persistence {

        @Bean
        @ConditionalOnMissingBean
        OutboxWriter outboxWriter(JdbcClient jdbc, EnvelopeCodec codec) {
            return new OutboxWriter(jdbc, codec);
        }

        @Bean
        @ConditionalOnMissingBean
        Inbox inbox(JdbcClient jdbc, TransactionOperations transactions, Clock clock) {
            return new Inbox(jdbc, transactions, clock);
        }

        @Bean
        @ConditionalOnMissingBean
        IdempotentCommands idempotentCommands(
                Inbox inbox, OutboxWriter outbox, EnvelopeCodec codec, JdbcClient jdbc, Clock clock) {
            return new IdempotentCommands(inbox, outbox, codec, jdbc, clock);
        }

        @Bean
        @ConditionalOnProperty(
                name = "sagaline.messaging.outbox.await-relay",
                havingValue = "true",
                matchIfMissing = true)
        RelaySlotGate relaySlotGate(JdbcClient jdbc, MessagingProperties properties) {
            return new RelaySlotGate(jdbc, properties.outbox());
        }

        @Bean
        @ConditionalOnMissingBean
        InboxPurger inboxPurger(JdbcClient jdbc, MessagingProperties properties, Clock clock) {
            return new InboxPurger(jdbc, properties.inbox(), clock);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(FlywayConfigurationCustomizer.class)
    static class Migrations {

        @Bean
        FlywayConfigurationCustomizer messagingMigrations() {
            return configuration -> {
                List<Location> locations = new ArrayList<>(Arrays.asList(configuration.getLocations()));
                Location messaging = new Location(MIGRATIONS);
                if (!locations.contains(messaging)) {
                    locations.add(messaging);
                }
                configuration.locations(locations.toArray(Location[]::new));
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(KafkaOperations.class)
    static class Kafka {

        @Bean
        @ConditionalOnMissingBean(CommonErrorHandler.class)
        CommonErrorHandler deadLetteringErrorHandler(KafkaOperations<?, ?> template, MessagingProperties properties) {
            return DeadLetters.errorHandler(template, properties.retry());
        }

        @Bean
        @ConditionalOnBean(KafkaAdmin.class)
        @ConditionalOnProperty(name = "sagaline.messaging.topics.create", havingValue = "true", matchIfMissing = true)
        KafkaAdmin.NewTopics sagalineTopics(MessagingProperties properties) {
            var settings = properties.topics();
            List<NewTopic> topics = new ArrayList<>();
            for (String topic : Topics.CONSUMED) {
                for (String name : List.of(topic, Topics.deadLetterOf(topic))) {
                    topics.add(TopicBuilder.name(name)
                            .partitions(settings.partitions())
                            .replicas(settings.replicationFactor())
                            .build());
                }
            }
            return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
        }
    }
}
