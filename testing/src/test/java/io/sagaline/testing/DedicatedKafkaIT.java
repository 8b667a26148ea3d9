package io.sagaline.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

class DedicatedKafkaIT {

    private static final int RECORDS = 1_000;
    private static final String TOPIC = "it-crash";

    @Test
    void keepsAcknowledgedRecordsAcrossAKillAndARestart() throws Exception {
        try (DedicatedKafka kafka = TestInfrastructure.dedicatedKafka("crash-it")) {
            kafka.createTopics(3, TOPIC);
            try (var producer = KafkaServerIT.producer(kafka.bootstrapServers())) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (int i = 0; i < RECORDS; i++) {
                    sent.add(producer.send(new ProducerRecord<>(TOPIC, "saga-" + (i % 17), "record-" + i)));
                }
                for (Future<RecordMetadata> acknowledged : sent) {
                    acknowledged.get(30, TimeUnit.SECONDS);
                }
            }

            kafka.kill();
            assertThatThrownBy(() -> connect(kafka.bootstrapServers())).isInstanceOf(IOException.class);
            kafka.start();

            try (Records records = Records.consume(kafka.bootstrapServers(), TOPIC)) {
                List<ConsumerRecord<String, String>> received = records.awaitCount(RECORDS, Duration.ofSeconds(60));
                Set<String> values =
                        received.stream().map(ConsumerRecord::value).collect(Collectors.toSet());
                assertThat(values)
                        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, RECORDS)
                                .mapToObj(i -> "record-" + i)
                                .toList());
            }
        }
    }

    private static void connect(String bootstrapServers) throws IOException {
        String[] hostAndPort = bootstrapServers.split(":");
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostAndPort[0], Integer.parseInt(hostAndPort[1])), 1_000);
        }
    }
}
