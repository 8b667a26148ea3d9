package io.sagaline.notification.internal;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.Inbox;
import io.sagaline.messaging.OutboxWriter;
import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationFailed;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationSent;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationUndeliverable;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.notification.internal.NotificationRepository.Attempt;
import io.sagaline.notification.internal.NotificationRepository.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.mail.MailException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Sends each order's confirmation mail once.
 *
 * <p>SMTP is not transactional, so a send is bracketed by two local transactions: the first claims
 * the order (row SENDING) and commits before the mail server is called; the second records the
 * outcome (SENT or FAILED), the inbox entry and the reply. A failure reply is not stored per
 * idempotency key (unlike {@code IdempotentCommands}), so the orchestrator's retry sends again.
 * Only a process that dies between the mail server's acceptance and the second commit can cause a
 * second mail, once the claim is older than the sending timeout.
 */
@Service
class OrderConfirmations {

    static final String CONSUMER = "notification-svc";
    private static final Logger log = LoggerFactory.getLogger(OrderConfirmations.class);
    private static final int MAX_REASON = 500;
    private static final Duration RECORD_FIRST_PAUSE = Duration.ofMillis(200);
    private static final Duration RECORD_MAX_PAUSE = Duration.ofSeconds(5);

    private final NotificationRepository notifications;
    private final ConfirmationMailer mailer;
    private final Inbox inbox;
    private final OutboxWriter outbox;
    private final EnvelopeCodec codec;
    private final TransactionOperations transactions;
    private final Clock clock;
    private final NotificationProperties properties;

    OrderConfirmations(
            NotificationRepository notifications,
            ConfirmationMailer mailer,
            Inbox inbox,
            OutboxWriter outbox,
            EnvelopeCodec codec,
            TransactionOperations transactions,
            Clock clock,
            NotificationProperties properties) {
        this.notifications = notifications;
        this.mailer = mailer;
        this.inbox = inbox;
        this.outbox = outbox;
        this.codec = codec;
        this.transactions = transactions;
        this.clock = clock;
        this.properties = properties;
    }

    void on(Envelope command, SendOrderConfirmation order) {
        ConfirmationMail mail = ConfirmationMail.of(order, properties.from());
        Claim claim = Objects.requireNonNull(transactions.execute(status -> claim(command, mail)));
        switch (claim) {
            case Claim.AlreadySent sent -> answer(command, new OrderConfirmationSent(order.orderId()));
            case Claim.Skip skip -> log.info("{} for order {}: {}", command.messageId(), order.orderId(), skip.why());
            case Claim.Claimed claimed -> send(command, mail, claimed.token());
        }
    }

    private Claim claim(Envelope command, ConfirmationMail mail) {
        if (notifications.inboxHas(CONSUMER, command.messageId().value())) {
            return new Claim.Skip("redelivered message, answered before");
        }
        Instant now = clock.instant();
        UUID token = UUID.randomUUID();
        Optional<Attempt> current = notifications.lock(mail.orderId());
        if (current.isEmpty()) {
            return notifications.insertSending(mail, token, now)
                    ? new Claim.Claimed(token)
                    : new Claim.Skip("another delivery claimed the order first");
        }
        Attempt attempt = current.get();
        if (attempt.status() == Status.SENT) {
            return new Claim.AlreadySent();
        }
        if (attempt.status() == Status.SENDING
                && attempt.claimedAt().plus(properties.sendingTimeout()).isAfter(now)) {
            // Another delivery is talking to the mail server right now; it will reply. If it died,
            // the orchestrator's retry after the sending timeout takes the order over.
            return new Claim.Skip("a send started at " + attempt.claimedAt() + " is in flight");
        }
        return notifications.reclaim(mail.orderId(), attempt.token(), token, now)
                ? new Claim.Claimed(token)
                : new Claim.Skip("another delivery took the order over");
    }

    private void send(Envelope command, ConfirmationMail mail, UUID token) {
        // The claim is ours until the sending timeout; the outcome must be recorded before then.
        Instant claimExpires = clock.instant().plus(properties.sendingTimeout());
        try {
            mailer.send(mail);
        } catch (MailException e) {
            boolean permanent = MailFailures.isPermanent(e);
            String reason = reason(e, permanent);
            log.warn("Confirmation of order {} not sent: {}", mail.orderId(), reason);
            Record reply = permanent
                    ? new OrderConfirmationUndeliverable(mail.orderId(), reason)
                    : new OrderConfirmationFailed(mail.orderId(), reason);
            record(mail, claimExpires, () -> {
                notifications.markFailed(mail.orderId(), token, reason);
                replyOnce(command, reply);
            });
            return;
        }
        record(mail, claimExpires, () -> {
            if (!notifications.markSent(mail.orderId(), token, clock.instant())) {
                log.warn("Order {} was taken over while its mail was being sent", mail.orderId());
            }
            replyOnce(command, new OrderConfirmationSent(mail.orderId()));
        });
    }

    /**
     * Records what the mail server answered, retrying while the database is away. Giving up at
     * once would leave the claim to time out: the redelivered command would find the send in
     * flight and stay silent, and the orchestrator's retry after the claim expired would send the
     * mail a second time although this process knew it had gone out.
     */
    private void record(ConfirmationMail mail, Instant claimExpires, Runnable outcome) {
        Duration pause = RECORD_FIRST_PAUSE;
        while (true) {
            try {
                transactions.executeWithoutResult(status -> outcome.run());
                return;
            } catch (TransientDataAccessException
                    | RecoverableDataAccessException
                    | DataAccessResourceFailureException
                    // A lost connection fails the rollback too, or the next transaction's begin.
                    | TransactionException e) {
                if (!clock.instant().plus(pause).isBefore(claimExpires)) {
                    throw e;
                }
                log.warn("Recording the mail of order {} failed ({}); trying again in {}", mail.orderId(), e, pause);
                sleep(pause);
                pause = Collections.min(List.of(pause.multipliedBy(2), RECORD_MAX_PAUSE));
            }
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database", e);
        }
    }

    private void answer(Envelope command, Record reply) {
        transactions.executeWithoutResult(status -> replyOnce(command, reply));
    }

    private void replyOnce(Envelope command, Record reply) {
        if (inbox.recordFirstDelivery(CONSUMER, command.messageId())) {
            outbox.append(
                    properties.repliesTopic(),
                    command.reply(MessageTypes.of(reply), codec.toTree(reply), clock.instant()));
        }
    }

    private static String reason(MailException e, boolean permanent) {
        Throwable root = e.getMostSpecificCause();
        String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        String reason = (permanent ? "undeliverable: " : "mail server did not take the mail: ")
                + detail.lines().findFirst().orElse("");
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON);
    }

    private sealed interface Claim {

        record Claimed(UUID token) implements Claim {}

        record AlreadySent() implements Claim {}

        record Skip(String why) implements Claim {}
    }
}
