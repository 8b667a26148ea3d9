package io.sagaline.orchestrator.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Up to when every reply has been read: the latest moment <i>T</i> such that every reply on the
 * replies topic by <i>T</i> has been consumed by the orchestrators' consumer group (its committed
 * offsets have reached the topic's end offsets as they were at <i>T</i>).
 *
 * <p>A reply timeout that came due at or before <i>T</i> means that no reply came. One that came due
 * later may have its reply waiting unread: behind a consumer backlog, or on Kafka while every
 * orchestrator was down. Firing it would undo a step that succeeded, so the deadline scanner fires
 * reply timeouts only up to <i>T</i>.
 *
 * <p>It asks Kafka only when asked about a moment later than the one it knows, at most once per
 * call; each answer is a lower bound that only moves forward. While Kafka cannot be asked, it
 * stays where it is, so no reply timeout fires that could not be checked. Thread-safe.
 */
@Component
class RepliesRead implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RepliesRead.class);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
    /** Held back this long, reply timeouts are worth a warning (once per such period). */
    private static final Duration STALE = Duration.ofMinutes(1);

    private final KafkaAdmin kafkaAdmin;
    private final String topic;
    private final String group;
    private final Clock clock;
    private @Nullable Admin admin;
    private Instant readUpTo = Instant.EPOCH;
    private Instant lastWarning = Instant.EPOCH;
    private boolean closed;
    /** The topic's end offsets as they were at a moment later than {@link #readUpTo}, until consumed. */
    private @Nullable Mark mark;

    RepliesRead(KafkaAdmin kafkaAdmin, OrchestratorProperties properties, Clock clock) {
        this.kafkaAdmin = kafkaAdmin;
        this.topic = properties.repliesTopic();
        this.group = properties.consumerGroup();
        this.clock = clock;
    }

    /** Up to when every reply is known to have been read, without asking Kafka. */
    synchronized Instant known() {
        return readUpTo;
    }

    /**
     * Up to when every reply has been read, asking Kafka whether the consumer group has read up to
     * the end offsets seen last time, and noting the end offsets now for the next call.
     */
    synchronized Instant refresh() {
        try {
            if (mark != null && consumed(mark.ends())) {
                readUpTo = mark.at();
                mark = null;
            }
            if (mark == null) {
                var now = new Mark(clock.instant(), endOffsets());
                if (consumed(now.ends())) {
                    readUpTo = now.at();
                } else {
                    mark = now;
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                // No replies topic yet: no reply can be waiting.
                readUpTo = clock.instant();
                mark = null;
            } else {
                warnIfBehind(e);
            }
        }
        return readUpTo;
    }

    private void warnIfBehind(Exception e) {
        Instant now = clock.instant();
        if (readUpTo.plus(STALE).isBefore(now) && lastWarning.plus(STALE).isBefore(now)) {
            lastWarning = now;
            log.warn(
                    "Reply timeouts are held back: how far {} has been read is known only up to {} ({})",
                    topic,
                    readUpTo,
                    e.toString());
        } else {
            log.debug("Could not tell how far {} has been read: {}", topic, e.toString());
        }
    }

    private Map<TopicPartition, Long> endOffsets() throws Exception {
        List<TopicPartition> partitions = admin()
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic)
                .partitions()
                .stream()
                .map(partition -> new TopicPartition(topic, partition.partition()))
                .toList();
        return offsets(partitions, OffsetSpec.latest());
    }

    /** Whether the group's committed offsets reach {@code ends}; a partition it never committed is read from its start. */
    private boolean consumed(Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> behind = new HashMap<>();
        for (var end : ends.entrySet()) {
            OffsetAndMetadata offset = committed.get(end.getKey());
            if (offset == null) {
                behind.put(end.getKey(), end.getValue());
            } else if (offset.offset() < end.getValue()) {
                return false;
            }
        }
        if (behind.isEmpty()) {
            return true;
        }
        // Never committed: nothing to read only if nothing is left on the partition.
        Map<TopicPartition, Long> starts = offsets(List.copyOf(behind.keySet()), OffsetSpec.earliest());
        return behind.entrySet().stream().allMatch(end -> starts.get(end.getKey()) >= end.getValue());
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        return admin()
                .listOffsets(partitions.stream().collect(Collectors.toMap(partition -> partition, p -> spec)))
                .all()
                .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .entrySet()
                .stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey, entry -> ((ListOffsetsResultInfo) entry.getValue()).offset()));
    }

    private Admin admin() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (admin == null) {
            admin = Admin.create(kafkaAdmin.getConfigurationProperties());
        }
        return admin;
    }

    @Override
    public synchronized void destroy() {
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }

    private record Mark(Instant at, Map<TopicPartition, Long> ends) {}
}
