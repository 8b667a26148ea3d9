package io.sagaline.messaging.contract;

import java.time.Instant;
import java.util.UUID;

/** Commands to payment-svc ({@code payment.commands}) and its replies ({@code saga.replies}). */
public final class PaymentMessages {

    private PaymentMessages() {}

    /** Places a hold of {@code amount} on the customer's account. Compensated by {@link VoidAuthorization}. */
    public record AuthorizePayment(UUID orderId, String customerId, Money amount) {}

    /** Turns the order's hold into a charge: the saga's pivot. */
    public record CapturePayment(UUID orderId, Money amount) {}

    /** Releases the order's hold; succeeds when there is none or it was already voided. */
    public record VoidAuthorization(UUID orderId) {}

    /** Reverses the order's capture; for operators only. */
    public record RefundPayment(UUID orderId, String reason) {}

    /** Replies of payment-svc. */
    public sealed interface PaymentReply
            permits PaymentAuthorized,
                    PaymentDeclined,
                    PaymentCaptured,
                    PaymentCaptureFailed,
                    AuthorizationVoided,
                    PaymentRefunded,
                    PaymentRefundFailed {
        UUID orderId();
    }

    public record PaymentAuthorized(UUID orderId, UUID authorizationId, Money amount, Instant expiresAt)
            implements PaymentReply {}

    /** Insufficient credit, an unknown or a frozen account: a business failure, not retried. */
    public record PaymentDeclined(UUID orderId, String reason) implements PaymentReply {}

    public record PaymentCaptured(UUID orderId, Money amount) implements PaymentReply {}

    /** The hold expired, was voided, or never existed. */
    public record PaymentCaptureFailed(UUID orderId, String reason) implements PaymentReply {}

    public record AuthorizationVoided(UUID orderId) implements PaymentReply {}

    public record PaymentRefunded(UUID orderId, Money amount) implements PaymentReply {}

    public record PaymentRefundFailed(UUID orderId, String reason) implements PaymentReply {}
}
