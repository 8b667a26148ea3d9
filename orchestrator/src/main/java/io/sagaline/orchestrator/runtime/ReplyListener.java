package io.sagaline.orchestrator.runtime;

import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Participants' replies from Kafka; a reply that can never be applied goes to the dead-letter topic. */
@Component
class ReplyListener {

    private final EnvelopeCodec codec;
    private final Sagas sagas;

    ReplyListener(EnvelopeCodec codec, Sagas sagas) {
        this.codec = codec;
        this.sagas = sagas;
    }

    @KafkaListener(
            id = "saga-replies",
            topics = "${sagaline.orchestrator.replies-topic:" + Topics.SAGA_REPLIES + "}",
            groupId = "${sagaline.orchestrator.consumer-group:orchestrator}")
    void on(ConsumerRecord<String, String> record) {
        sagas.onReply(codec.decode(record.value()));
    }
}
