package io.sagaline.messaging.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.UUID;

/** Commands to payment-svc ({@code payment.commands}) and its replies ({@code saga.replies}). */
public final class PaymentMessages {

    private PaymentMessages() {}

    /** Commands of payment-svc. */
    public sealed interface PaymentCommand permits AuthorizePayment, CapturePayment, VoidAuthorization, RefundPayment {
        UUID orderId();
    }

    /** Places a hold of {@code amount} on the customer's account. Compensated by {@link VoidAuthorization}. */
    public record AuthorizePayment(
            @NotNull UUID orderId,
            @NotBlank @Size(max = 255) String customerId,
            @NotNull @Valid Money amount) implements PaymentCommand {}

    /** Turns the order's hold into a charge: the saga's pivot. */
    public record CapturePayment(
            @NotNull UUID orderId, @NotNull @Valid Money amount) implements PaymentCommand {}

    /** Releases the order's hold; succeeds when there is none or it was already voided. */
    public record VoidAuthorization(@NotNull UUID orderId) implements PaymentCommand {}

    /** Reverses the order's capture; for operators only. */
    public record RefundPayment(
            @NotNull UUID orderId,
            @NotNull @Size(max = 2000) String reason) implements PaymentCommand {}

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

    public record PaymentAuthorized(
            @NotNull UUID orderId,
            @NotNull UUID authorizationId,
            @NotNull @Valid Money amount,
            @NotNull Instant expiresAt)
            implements PaymentReply {}

    /** Insufficient credit, an unknown or a frozen account: a business failure, not retried. */
    public record PaymentDeclined(
            @NotNull UUID orderId,
            @NotNull @Size(max = 2000) String reason) implements PaymentReply {}

    public record PaymentCaptured(
            @NotNull UUID orderId, @NotNull @Valid Money amount) implements PaymentReply {}

    /** The hold expired, was voided, or never existed. */
    public record PaymentCaptureFailed(
            @NotNull UUID orderId,
            @NotNull @Size(max = 2000) String reason) implements PaymentReply {}

    public record AuthorizationVoided(@NotNull UUID orderId) implements PaymentReply {}

    public record PaymentRefunded(
            @NotNull UUID orderId, @NotNull @Valid Money amount) implements PaymentReply {}

    public record PaymentRefundFailed(
            @NotNull UUID orderId,
            @NotNull @Size(max = 2000) String reason) implements PaymentReply {}
}
