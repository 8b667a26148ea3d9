package io.sagaline.relay.internal;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;

/**
 * Hands one engine's batches to Kafka. A record is marked processed only after Kafka has
 * acknowledged it, so a crash at any point re-publishes rather than loses: delivery is at least
 * once. Batches arrive one at a time per engine and records are sent in batch order on an
 * idempotent producer, which keeps the commit order of each saga's messages on its partition.
 */
final class KafkaForwarder implements DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> {

    private static final String DEBEZIUM_HEADER_PREFIX = "__debezium";

    private final Producer<String, String> producer;
    private final EngineStatus status;
    private final Clock clock;

    KafkaForwarder(Producer<String, String> producer, EngineStatus status, Clock clock) {
        this.producer = producer;
        this.status = status;
        this.clock = clock;
    }

    @Override
    public void handleBatch(
            List<ChangeEvent<SourceRecord, SourceRecord>> events,
            DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        List<@Nullable Future<RecordMetadata>> sends = new ArrayList<>(events.size());
        for (ChangeEvent<SourceRecord, SourceRecord> event : events) {
            sends.add(send(event.value()));
        }
        long oldestCommit = Long.MAX_VALUE;
        int published = 0;
        for (int i = 0; i < events.size(); i++) {
            Future<RecordMetadata> send = sends.get(i);
            if (send != null) {
                await(send);
                published++;
                Long committedAt = events.get(i).value().timestamp();
                if (committedAt != null) {
                    oldestCommit = Math.min(oldestCommit, committedAt);
                }
            }
            committer.markProcessed(events.get(i));
        }
        committer.markBatchFinished();
        status.published(published, oldestCommit == Long.MAX_VALUE ? null : oldestCommit, clock.millis());
    }

    /** Sends an outbox message; returns null for what is not one (heartbeats), which is only acknowledged. */
    private @Nullable Future<RecordMetadata> send(SourceRecord record) {
        if (record.value() == null || record.topic().startsWith(OutboxConnectorConfig.HEARTBEAT_TOPIC_PREFIX)) {
            return null;
        }
        var headers = new RecordHeaders();
        for (Header header : record.headers()) {
            // Debezium's own context headers describe the engine, not the message.
            if (header.value() != null && !header.key().startsWith(DEBEZIUM_HEADER_PREFIX)) {
                headers.add(header.key(), header.value().toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        String key = record.key() == null ? null : record.key().toString();
        return producer.send(
                new ProducerRecord<>(record.topic(), null, key, record.value().toString(), headers));
    }

    private static void await(Future<RecordMetadata> send) throws InterruptedException {
        try {
            send.get();
        } catch (ExecutionException e) {
            // Fails the engine; it restarts from the last stored position and publishes again.
            throw new RelayException("Kafka did not acknowledge an outbox message", e.getCause());
        }
    }

    static final class RelayException extends RuntimeException {
        RelayException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }
}
