package io.sagaline.payment.internal;

import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.IdempotentCommands;
import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCommand;
import io.sagaline.messaging.contract.PaymentMessages.PaymentReply;
import io.sagaline.messaging.contract.PaymentMessages.RefundPayment;
import io.sagaline.messaging.contract.PaymentMessages.VoidAuthorization;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

@Component
class PaymentCommandListener {

    static final String CONSUMER = "payment-svc";

    private final EnvelopeCodec codec;
    private final IdempotentCommands commands;
    private final Payments payments;
    private final String repliesTopic;

    PaymentCommandListener(
            EnvelopeCodec codec, IdempotentCommands commands, Payments payments, PaymentProperties properties) {
        this.codec = codec;
        this.commands = commands;
        this.payments = payments;
        this.repliesTopic = properties.repliesTopic();
    }

    @KafkaListener(
            topics = "${sagaline.payment.commands-topic:" + Topics.PAYMENT_COMMANDS + "}",
            groupId = "${sagaline.payment.consumer-group:" + CONSUMER + "}")
    void on(ConsumerRecord<String, String> record) {
        commands.handle(CONSUMER, codec.decode(record.value()), PaymentCommand.class, repliesTopic, this::apply);
    }

    private PaymentReply apply(PaymentCommand command) {
        return switch (command) {
            case AuthorizePayment authorize -> payments.authorize(authorize);
            case CapturePayment capture -> payments.capture(capture);
            case VoidAuthorization voidAuthorization -> payments.voidAuthorization(voidAuthorization);
            case RefundPayment refund -> payments.refund(refund);
        };
    }
}
