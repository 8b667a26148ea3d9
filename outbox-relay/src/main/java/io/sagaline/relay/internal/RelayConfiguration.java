package io.sagaline.relay.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.sagaline.relay.RelayProperties;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RelayConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * One producer shared by all engines. acks=all and idempotence make an acknowledged message
     * durable and free of producer-retry duplicates and reordering; linger 0 because the engines
     * already batch, and every millisecond here is relay latency.
     */
    @Bean(destroyMethod = "")
    Producer<String, String> relayProducer(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "sagaline-outbox-relay");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(config);
    }

    @Bean
    Relay relay(RelayProperties properties, Producer<String, String> relayProducer, MeterRegistry meters, Clock clock) {
        return new Relay(properties, relayProducer, meters, clock);
    }

    @Bean
    RelayHealthIndicator relayHealthIndicator(Relay relay, RelayProperties properties) {
        return new RelayHealthIndicator(relay, properties);
    }
}
