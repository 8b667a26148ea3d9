package io.sagaline.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.OrderLine;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentAuthorized;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCommand;
import io.sagaline.messaging.contract.PaymentMessages.PaymentReply;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class IdempotentCommandsIT {

    private static final EnvelopeCodec CODEC =
            new EnvelopeCodec(JsonMapper.builder().build());
    private static final String REPLIES = "replies";

    private MessagingDatabase db;
    private IdempotentCommands commands;
    private final AtomicInteger handled = new AtomicInteger();

    @BeforeEach
    void createDatabase() {
        db = new MessagingDatabase("idempotent_commands_it");
        db.captureOutboxInserts();
        Clock clock = Clock.systemUTC();
        commands = new IdempotentCommands(
                new Inbox(db.jdbc(), db.transactions(), clock),
                new OutboxWriter(db.jdbc(), CODEC),
                CODEC,
                db.jdbc(),
                clock);
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void answersARetriedCommandWithTheFirstReplyWithoutHandlingItAgain() {
        Envelope first = authorize("saga-1:authorize");
        Envelope retry = authorize("saga-1:authorize"); // a new message, the same idempotency key

        assertThat(commands.handle("payment-svc", first, PaymentCommand.class, REPLIES, this::authorizeOnce))
                .isTrue();
        assertThat(commands.handle("payment-svc", retry, PaymentCommand.class, REPLIES, this::authorizeOnce))
                .isTrue();

        assertThat(handled).hasValue(1);
        var replies = db.capturedOutboxMessages(CODEC);
        assertThat(replies).hasSize(2);
        assertThat(replies).extracting(Envelope::inReplyTo).containsExactly(first.messageId(), retry.messageId());
        assertThat(replies).extracting(Envelope::type).containsOnly(MessageTypes.of(PaymentAuthorized.class));
        assertThat(replies.get(1).payload()).isEqualTo(replies.get(0).payload());
    }

    @Test
    void skipsARedeliveredMessageEntirely() {
        Envelope command = authorize("saga-2:authorize");

        assertThat(commands.handle("payment-svc", command, PaymentCommand.class, REPLIES, this::authorizeOnce))
                .isTrue();
        assertThat(commands.handle("payment-svc", command, PaymentCommand.class, REPLIES, this::authorizeOnce))
                .isFalse();

        assertThat(handled).hasValue(1);
        assertThat(db.capturedOutboxMessages(CODEC)).hasSize(1);
    }

    @Test
    void leavesNoTraceWhenTheHandlerFailsSoTheRetryIsHandled() {
        Envelope command = authorize("saga-3:authorize");

        assertThatThrownBy(() -> commands.handle("payment-svc", command, PaymentCommand.class, REPLIES, message -> {
                    throw new IllegalStateException("database hiccup");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(db.count("command_log")).isZero();
        assertThat(db.count("inbox")).isZero();

        assertThat(commands.handle("payment-svc", command, PaymentCommand.class, REPLIES, this::authorizeOnce))
                .isTrue();
        assertThat(handled).hasValue(1);
    }

    @Test
    void refusesAnUnknownMessageType() {
        Envelope unknown = Envelope.command(
                SagaId.random(), "TeleportParcel", CODEC.toTree(new Money(1, "EUR")), "k", Instant.now());

        assertThatThrownBy(() ->
                        commands.handle("payment-svc", unknown, PaymentCommand.class, REPLIES, this::authorizeOnce))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("TeleportParcel");
        assertThat(handled).hasValue(0);
    }

    @Test
    void refusesAnotherParticipantsCommand() {
        var reserve =
                new ReserveInventory(UUID.randomUUID(), List.of(new OrderLine("BOOK-1", 1, Money.of(100, "EUR"))));
        Envelope foreign =
                Envelope.command(SagaId.random(), MessageTypes.of(reserve), CODEC.toTree(reserve), "k", Instant.now());

        assertThatThrownBy(() ->
                        commands.handle("payment-svc", foreign, PaymentCommand.class, REPLIES, this::authorizeOnce))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessage("payment-svc does not handle ReserveInventory");
        assertThat(handled).hasValue(0);
        assertThat(db.count("inbox")).isZero();
    }

    private PaymentReply authorizeOnce(PaymentCommand message) {
        handled.incrementAndGet();
        var command = (AuthorizePayment) message;
        return new PaymentAuthorized(command.orderId(), UUID.randomUUID(), command.amount(), Instant.now());
    }

    private static Envelope authorize(String idempotencyKey) {
        var command = new AuthorizePayment(UUID.randomUUID(), "alice", Money.of(12_50, "EUR"));
        return Envelope.command(
                SagaId.random(), MessageTypes.of(command), CODEC.toTree(command), idempotencyKey, Instant.now());
    }
}
