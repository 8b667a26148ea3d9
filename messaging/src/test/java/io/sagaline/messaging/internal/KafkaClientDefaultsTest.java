package io.sagaline.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class KafkaClientDefaultsTest {

    @Test
    void aServiceWithoutKafkaSettingsGetsTheSharedOnes() {
        KafkaProperties kafka = bind(Map.of());

        assertThat(kafka.getConsumer().getAutoOffsetReset()).isEqualTo("earliest");
        assertThat(kafka.getConsumer().getFetchMaxWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(kafka.getConsumer().getProperties())
                .containsEntry("session.timeout.ms", "10000")
                .containsEntry("heartbeat.interval.ms", "3000");
        assertThat(kafka.getListener().getConcurrency()).isEqualTo(3);
    }

    @Test
    void whatTheServiceSetsWinsKeyByKey() {
        KafkaProperties kafka = bind(Map.of(
                "spring.kafka.consumer.fetch-max-wait", "100ms",
                "spring.kafka.consumer.properties.session.timeout.ms", "20000",
                "SAGALINE_LISTENER_CONCURRENCY", "5"));

        assertThat(kafka.getConsumer().getFetchMaxWait()).isEqualTo(Duration.ofMillis(100));
        assertThat(kafka.getConsumer().getProperties())
                .containsEntry("session.timeout.ms", "20000")
                .containsEntry("heartbeat.interval.ms", "3000");
        assertThat(kafka.getListener().getConcurrency()).isEqualTo(5);
    }

    @Test
    void everySpringBootApplicationGetsTheDefaults() {
        var application = new SpringApplication(Empty.class);
        application.setWebApplicationType(WebApplicationType.NONE);

        try (var context = application.run()) {
            var environment = context.getEnvironment();
            assertThat(environment.getPropertySources().contains(KafkaClientDefaults.SOURCE))
                    .isTrue();
            assertThat(environment.getProperty("spring.kafka.consumer.fetch-max-wait"))
                    .isEqualTo("5s");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Empty {}

    private static KafkaProperties bind(Map<String, Object> application) {
        var environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("application", application));
        new KafkaClientDefaults().postProcessEnvironment(environment, new SpringApplication());
        return Binder.get(environment)
                .bind("spring.kafka", KafkaProperties.class)
                .get();
    }
}
