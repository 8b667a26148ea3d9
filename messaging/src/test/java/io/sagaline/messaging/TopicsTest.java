package io.sagaline.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void everyConsumedTopicHasADistinctDeadLetterTopic() {
        List<String> deadLetters =
                Topics.CONSUMED.stream().map(Topics::deadLetterOf).toList();

        assertThat(Topics.CONSUMED).doesNotHaveDuplicates();
        assertThat(deadLetters).doesNotHaveDuplicates().doesNotContainAnyElementsOf(Topics.CONSUMED);
        Set<String> all = new HashSet<>(Topics.CONSUMED);
        all.addAll(deadLetters);
        assertThat(all).hasSize(2 * Topics.CONSUMED.size());
    }

    @Test
    void deadLetterConstantsNameTheDeadLetterTopicOfTheirTopic() {
        Map<String, String> constants = Map.of(
                Topics.PAYMENT_COMMANDS, Topics.PAYMENT_COMMANDS_DLT,
                Topics.INVENTORY_COMMANDS, Topics.INVENTORY_COMMANDS_DLT,
                Topics.SHIPMENT_COMMANDS, Topics.SHIPMENT_COMMANDS_DLT,
                Topics.NOTIFICATION_COMMANDS, Topics.NOTIFICATION_COMMANDS_DLT,
                Topics.SAGA_REPLIES, Topics.SAGA_REPLIES_DLT,
                Topics.ORDERS_REQUESTS, Topics.ORDERS_REQUESTS_DLT);

        assertThat(constants.keySet()).containsExactlyInAnyOrderElementsOf(Topics.CONSUMED);
        constants.forEach((topic, deadLetter) -> assertThat(deadLetter).isEqualTo(Topics.deadLetterOf(topic)));
    }

    @Test
    void deadLetterTopicIsTheTopicWithTheSuffix() {
        assertThat(Topics.deadLetterOf("orders.requests")).isEqualTo("orders.requests.dlt");
        assertThat(Topics.deadLetterOf("x")).endsWith(Topics.DEAD_LETTER_SUFFIX).startsWith("x");
    }
}
