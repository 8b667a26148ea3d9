package io.sagaline.messaging.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The Kafka client settings every Sagaline service shares, in one place. They are added behind
 * every other property source, so a service's {@code application.yml}, the environment or the
 * command line can still set any of them.
 */
public final class KafkaClientDefaults implements EnvironmentPostProcessor {

    /** The name of the property source, as {@code /actuator/env} shows it. */
    public static final String SOURCE = "sagalineKafkaDefaults";

    static final Map<String, Object> DEFAULTS = defaults();

    private static Map<String, Object> defaults() {
        var defaults = new LinkedHashMap<String, Object>();
        // A new consumer group starts at the topic's beginning: no command sent before it existed is lost.
        defaults.put("spring.kafka.consumer.auto-offset-reset", "earliest");
        // A crashed instance's partitions move to the others after 10 s, well inside the
        // orchestrator's 30 s reply timeout; Kafka's default of 45 s is not.
        defaults.put("spring.kafka.consumer.properties.session.timeout.ms", "10000");
        defaults.put("spring.kafka.consumer.properties.heartbeat.interval.ms", "3000");
        // A fetch returns as soon as one record is there, so this bounds only how long an empty
        // fetch waits at the broker. Kafka's 500 ms makes every idle consumer ask twice a second.
        defaults.put("spring.kafka.consumer.fetch-max-wait", "5s");
        // Messages of different sagas are handled in parallel, each saga's in order on its
        // partition; parallel handlers also share PostgreSQL's commit flushes (group commit).
        defaults.put("spring.kafka.listener.concurrency", "${SAGALINE_LISTENER_CONCURRENCY:3}");
        return Collections.unmodifiableMap(defaults);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE, DEFAULTS));
    }
}
