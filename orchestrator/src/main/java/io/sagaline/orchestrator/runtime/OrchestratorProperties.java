package io.sagaline.orchestrator.runtime;

import io.sagaline.messaging.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sagaline.orchestrator.*}.
 *
 * @param repliesTopic where participants' replies arrive
 * @param requestsTopic where clients place orders over Kafka
 * @param consumerGroup the consumer group of every orchestrator instance for replies; order
 *     requests are read in {@code <consumerGroup>-order-requests}
 * @param deadlineScanInterval how often the scanner looks for passed deadlines
 * @param deadlineScanBatch at most this many deadlines fired per scan; the rest wait for the next
 * @param inFlightRefresh how often the in-flight gauges are counted
 * @param maxInFlight the most sagas under way (running or compensating) across all instances; a
 *     start beyond it is refused (HTTP 429) or waits (Kafka). Size it as the throughput you expect
 *     times the latency you accept, well below the steps' reply timeouts
 * @param admissionRefresh how often each instance counts the sagas under way
 * @param admissionRetryAfter what a refused start is told to wait before trying again
 * @param commandTopics renames the topics saga definitions send commands to, from the name in the
 *     definition (such as {@code payment.commands}) to the topic used; a topic not named is used as
 *     it is
 * @param startVersions the definition version new sagas of each type start on, by type name; a
 *     type not named starts on its newest. Sagas under way keep the version they started with, so
 *     new sagas can go back to an older version without a deploy
 */
@ConfigurationProperties("sagaline.orchestrator")
public record OrchestratorProperties(
        @DefaultValue(Topics.SAGA_REPLIES) String repliesTopic,
        @DefaultValue(Topics.ORDERS_REQUESTS) String requestsTopic,
        @DefaultValue("orchestrator") String consumerGroup,
        @DefaultValue("250ms") Duration deadlineScanInterval,
        @DefaultValue("500") int deadlineScanBatch,
        @DefaultValue("10s") Duration inFlightRefresh,
        @DefaultValue("500") int maxInFlight,
        @DefaultValue("200ms") Duration admissionRefresh,
        @DefaultValue("1s") Duration admissionRetryAfter,
        @Nullable Map<String, String> commandTopics,
        @Nullable Map<String, Integer> startVersions) {

    /** The version new sagas of {@code type} start on, if a setting names one. */
    public Optional<Integer> startVersion(String type) {
        return Optional.ofNullable(startVersions == null ? null : startVersions.get(type));
    }

    /** The topic a command for {@code topic}, as a definition names it, goes to. */
    public String commandTopic(String topic) {
        return commandTopics == null ? topic : commandTopics.getOrDefault(topic, topic);
    }
}
