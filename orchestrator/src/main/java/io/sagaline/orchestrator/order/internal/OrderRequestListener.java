package io.sagaline.orchestrator.order.internal;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.MalformedMessageException;
import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.messaging.contract.OrderMessages.PlaceOrder;
import io.sagaline.orchestrator.runtime.SagaLimitReached;
import io.sagaline.orchestrator.runtime.StartKeyReused;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Orders placed over Kafka ({@code orders.requests}). The message id is the idempotency key. A
 * request that breaks the rules of {@code POST /api/orders}, or reuses a key for another order,
 * goes to the dead-letter topic with the reason. While as many sagas as admitted are under way,
 * a request waits unread on its partition until there is room.
 */
@Component
class OrderRequestListener {

    private static final String PLACE_ORDER = MessageTypes.of(PlaceOrder.class);

    private final EnvelopeCodec codec;
    private final Validator validator;
    private final Orders orders;

    OrderRequestListener(EnvelopeCodec codec, Validator validator, Orders orders) {
        this.codec = codec;
        this.validator = validator;
        this.orders = orders;
    }

    @KafkaListener(
            id = "order-requests",
            topics = "${sagaline.orchestrator.requests-topic:" + Topics.ORDERS_REQUESTS + "}",
            // A group of its own: a request waiting for room must not hold up the replies' group
            // in a rebalance, and few records per poll keep the waits within max.poll.interval.ms.
            groupId = "${sagaline.orchestrator.consumer-group:orchestrator}-order-requests",
            properties = "max.poll.records=10")
    void on(ConsumerRecord<String, String> record) {
        Envelope envelope = codec.decode(record.value());
        if (!PLACE_ORDER.equals(envelope.type())) {
            throw new MalformedMessageException(
                    Topics.ORDERS_REQUESTS + " carries " + PLACE_ORDER + " only, not " + envelope.type());
        }
        PlaceOrderRequest request = PlaceOrderRequest.of(codec.payload(envelope, PlaceOrder.class));
        Set<ConstraintViolation<PlaceOrderRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw new MalformedMessageException("invalid " + PLACE_ORDER + " " + envelope.messageId() + ": "
                    + violations.stream()
                            .map(violation -> violation.getPropertyPath() + " " + violation.getMessage())
                            .sorted(Comparator.naturalOrder())
                            .collect(Collectors.joining("; ")));
        }
        while (true) {
            try {
                orders.place(request.toOrder(), envelope.messageId().toString(), envelope.sagaId());
                return;
            } catch (StartKeyReused e) {
                throw new MalformedMessageException(e.getMessage());
            } catch (SagaLimitReached e) {
                // The request waits on its partition, unread requests behind it: the topic is the queue.
                LockSupport.parkNanos(e.retryAfter().toNanos());
                if (Thread.interrupted()) {
                    throw new IllegalStateException("stopped while waiting for room for an order", e);
                }
            }
        }
    }
}
