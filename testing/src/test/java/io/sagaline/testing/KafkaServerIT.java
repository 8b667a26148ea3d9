package io.sagaline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaServerIT {

    private final KafkaServer kafka = TestInfrastructure.kafka();

    @Test
    void deliversAProducedRecordToAConsumer() throws Exception {
        String topic = "it-kafka-" + UUID.randomUUID();
        kafka.createTopics(3, topic);

        try (Records records = Records.consume(kafka.bootstrapServers(), List.of(topic));
                var producer = producer(kafka.bootstrapServers())) {
            producer.send(new ProducerRecord<>(topic, "saga-1", "hello")).get(30, TimeUnit.SECONDS);

            List<ConsumerRecord<String, String>> received = records.awaitCount(1, Duration.ofSeconds(30));

            assertThat(received).singleElement().satisfies(record -> {
                assertThat(record.topic()).isEqualTo(topic);
                assertThat(record.key()).isEqualTo("saga-1");
                assertThat(record.value()).isEqualTo("hello");
            });
        }
    }

    @Test
    void createsTopicsWithTheirPartitionsAndToleratesExistingOnes() throws Exception {
        String topic = "it-topics-" + UUID.randomUUID();

        kafka.createTopics(4, topic);
        kafka.createTopics(2, topic);

        try (Admin admin = kafka.adminClient()) {
            var description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic);
            assertThat(description.partitions()).hasSize(4);
        }
    }

    static KafkaProducer<String, String> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class));
    }
}
