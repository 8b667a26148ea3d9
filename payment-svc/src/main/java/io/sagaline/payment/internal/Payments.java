package io.sagaline.payment.internal;

import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizationVoided;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentAuthorized;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptureFailed;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptured;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.messaging.contract.PaymentMessages.PaymentRefundFailed;
import io.sagaline.messaging.contract.PaymentMessages.PaymentRefunded;
import io.sagaline.messaging.contract.PaymentMessages.PaymentReply;
import io.sagaline.messaging.contract.PaymentMessages.RefundPayment;
import io.sagaline.messaging.contract.PaymentMessages.VoidAuthorization;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The payment commands. Each method joins the caller's transaction (the one that also records the
 * inbox entry and writes the reply) or opens its own, and locks the rows it decides on.
 */
@Service
class Payments {

    private static final Logger log = LoggerFactory.getLogger(Payments.class);

    private final AccountRepository accounts;
    private final HoldRepository holds;
    private final HoldPolicy policy;
    private final Clock clock;

    Payments(AccountRepository accounts, HoldRepository holds, HoldPolicy policy, Clock clock) {
        this.accounts = accounts;
        this.holds = holds;
        this.policy = policy;
        this.clock = clock;
    }

    @Transactional
    PaymentReply authorize(AuthorizePayment command) {
        Instant now = now();
        if (holds.isVoidedOrder(command.orderId())) {
            return new PaymentDeclined(command.orderId(), voidedBeforeAuthorized(command.orderId()));
        }
        Money amount = command.amount();
        if (amount.amountMinor() <= 0) {
            return new PaymentDeclined(command.orderId(), "amount must be positive, got " + amount.amountMinor());
        }
        Optional<Account> found = accounts.lock(command.customerId());
        if (found.isEmpty()) {
            return new PaymentDeclined(command.orderId(), "unknown account " + command.customerId());
        }
        Account account = found.get();
        if (account.status() == Account.Status.FROZEN) {
            return new PaymentDeclined(command.orderId(), "account " + account.customerId() + " is frozen");
        }
        if (!account.currency().equals(amount.currency())) {
            return new PaymentDeclined(
                    command.orderId(),
                    "account " + account.customerId() + " is in " + account.currency() + ", not " + amount.currency());
        }
        Optional<Hold> existing = holds.lock(command.orderId());
        if (existing.isPresent()) {
            return authorizedBefore(command, existing.get(), now);
        }
        long available = accounts.exposure(account.customerId(), now).availableOf(account);
        if (available < amount.amountMinor()) {
            return new PaymentDeclined(
                    command.orderId(),
                    "insufficient credit: " + available + " available, " + amount.amountMinor() + " requested ("
                            + amount.currency() + " minor units)");
        }
        var hold = new Hold(
                UUID.randomUUID(),
                command.orderId(),
                account.customerId(),
                amount.amountMinor(),
                amount.currency(),
                Hold.Status.ACTIVE,
                policy.expiryFrom(now));
        holds.insert(hold, now);
        return new PaymentAuthorized(hold.orderId(), hold.authorizationId(), amount, hold.expiresAt());
    }

    /**
     * The same order authorized again under another idempotency key (say, an operator's replay):
     * the standing hold answers it, a second hold would charge the credit twice.
     */
    private static PaymentReply authorizedBefore(AuthorizePayment command, Hold hold, Instant now) {
        Hold.Status status = hold.statusAt(now);
        boolean same =
                hold.customerId().equals(command.customerId()) && moneyOf(hold).equals(command.amount());
        if (same && (status == Hold.Status.ACTIVE || status == Hold.Status.CAPTURED)) {
            return new PaymentAuthorized(hold.orderId(), hold.authorizationId(), moneyOf(hold), hold.expiresAt());
        }
        return new PaymentDeclined(
                command.orderId(),
                "order already has an authorization (" + status + ", " + hold.amount() + " " + hold.currency() + " for "
                        + hold.customerId() + ")");
    }

    @Transactional
    PaymentReply capture(CapturePayment command) {
        Instant now = now();
        Optional<Hold> found = holds.lock(command.orderId());
        if (found.isEmpty()) {
            String reason = holds.isVoidedOrder(command.orderId())
                    ? voidedBeforeAuthorized(command.orderId())
                    : "no authorization for this order";
            return new PaymentCaptureFailed(command.orderId(), reason);
        }
        Hold hold = found.get();
        switch (hold.statusAt(now)) {
            case CAPTURED -> {
                // A repeat, whatever its idempotency key: the charge exists once.
                return new PaymentCaptured(hold.orderId(), moneyOf(hold));
            }
            case VOIDED -> {
                return new PaymentCaptureFailed(command.orderId(), "the authorization was voided");
            }
            case EXPIRED -> {
                return new PaymentCaptureFailed(command.orderId(), "the authorization expired at " + hold.expiresAt());
            }
            case ACTIVE -> {
                if (!moneyOf(hold).equals(command.amount())) {
                    return new PaymentCaptureFailed(
                            command.orderId(),
                            "capture of " + command.amount().amountMinor() + " "
                                    + command.amount().currency() + " differs from the authorized " + hold.amount()
                                    + " " + hold.currency());
                }
            }
        }
        if (!holds.capture(hold, now)) {
            // Cannot happen under the row lock; failing rolls back and lets the listener retry.
            throw new IllegalStateException("the hold of order " + hold.orderId() + " changed under its lock");
        }
        return new PaymentCaptured(hold.orderId(), moneyOf(hold));
    }

    @Transactional
    PaymentReply voidAuthorization(VoidAuthorization command) {
        Instant now = now();
        Optional<Hold> found = holds.lock(command.orderId());
        if (found.isEmpty()) {
            // The compensation overtook its action (an authorize in doubt may still arrive):
            // remember the void so that the late authorize is declined instead of holding credit
            // that no void would release.
            if (holds.recordVoidedOrder(command.orderId(), now)) {
                log.info("Void of order {} before any hold: a later authorization is declined", command.orderId());
            }
            return new AuthorizationVoided(command.orderId());
        }
        Hold hold = found.get();
        switch (hold.status()) {
            case ACTIVE -> {
                if (!holds.changeStatus(hold.orderId(), Hold.Status.ACTIVE, Hold.Status.VOIDED, now)) {
                    throw new IllegalStateException("the hold of order " + hold.orderId() + " changed under its lock");
                }
            }
            case CAPTURED ->
                // The orchestrator never compensates past the pivot; only an operator's refund gives money back.
                log.warn(
                        "Void of order {} after its capture: nothing changed; refund it with RefundPayment if the"
                                + " customer is owed the money",
                        hold.orderId());
            case VOIDED, EXPIRED -> log.debug("Void of order {}: hold already {}", hold.orderId(), hold.status());
        }
        return new AuthorizationVoided(command.orderId());
    }

    @Transactional
    PaymentReply refund(RefundPayment command) {
        Instant now = now();
        Optional<Charge> found = holds.lockCharge(command.orderId());
        if (found.isEmpty()) {
            return new PaymentRefundFailed(command.orderId(), "no captured payment for this order");
        }
        Charge charge = found.get();
        if (charge.status() == Charge.Status.CHARGED && !holds.refund(charge.orderId(), command.reason(), now)) {
            throw new IllegalStateException("the charge of order " + charge.orderId() + " changed under its lock");
        }
        return new PaymentRefunded(charge.orderId(), Money.of(charge.amount(), charge.currency()));
    }

    /** PostgreSQL keeps microseconds; a reply must carry exactly what was stored. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String voidedBeforeAuthorized(UUID orderId) {
        return "order " + orderId + " was voided before it was authorized";
    }

    private static Money moneyOf(Hold hold) {
        return Money.of(hold.amount(), hold.currency());
    }
}
