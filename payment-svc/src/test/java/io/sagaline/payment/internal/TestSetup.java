package io.sagaline.payment.internal;

import io.sagaline.testing.MutableClock;
import io.sagaline.testing.ServiceProperties;
import io.sagaline.testing.TestDatabase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What every integration test of the service sets up the same way. */
final class TestSetup {

    private TestSetup() {}

    /** Points the service at its test database, the test broker and topics of this run only. */
    static void register(
            DynamicPropertyRegistry registry, TestDatabase database, String commandsTopic, String repliesTopic) {
        ServiceProperties.connect(registry, database);
        registry.add("spring.kafka.consumer.auto-offset-reset", () -> "earliest");
        registry.add("sagaline.payment.commands-topic", () -> commandsTopic);
        registry.add("sagaline.payment.replies-topic", () -> repliesTopic);
        registry.add("sagaline.payment.consumer-group", () -> commandsTopic);
        // The shared broker keeps its topics as they are; each test run creates its own.
        registry.add("sagaline.messaging.topics.create", () -> "false");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Clocks {

        @Bean
        MutableClock clock() {
            return new MutableClock(Instant.now().truncatedTo(ChronoUnit.MICROS));
        }
    }
}
