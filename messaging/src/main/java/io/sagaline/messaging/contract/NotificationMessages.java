package io.sagaline.messaging.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;

/**
 * Commands to notification-svc ({@code notification.commands}) and its replies
 * ({@code saga.replies}).
 */
public final class NotificationMessages {

    private NotificationMessages() {}

    /** Commands of notification-svc. */
    public sealed interface NotificationCommand permits SendOrderConfirmation {
        UUID orderId();
    }

    /** Sends the order's confirmation e-mail, once per order. */
    public record SendOrderConfirmation(
            @NotNull UUID orderId,
            @NotBlank @Size(max = 320) String email,
            @NotEmpty @Size(max = 100) List<@NotNull @Valid OrderLine> lines,
            @NotNull @Valid Money total)
            implements NotificationCommand {}

    /** Replies of notification-svc. */
    public sealed interface NotificationReply
            permits OrderConfirmationSent, OrderConfirmationFailed, OrderConfirmationUndeliverable {
        UUID orderId();
    }

    public record OrderConfirmationSent(@NotNull UUID orderId) implements NotificationReply {}

    /** The mail server did not take the mail this time; the orchestrator retries with backoff. */
    public record OrderConfirmationFailed(
            @NotNull UUID orderId,
            @NotNull @Size(max = 2000) String reason) implements NotificationReply {}

    /**
     * The mail can never be sent as it stands: its address is malformed, or the mail server refused
     * it for good (an SMTP 5xx reply, such as 550 for a mailbox that does not exist). Not retried:
     * the saga waits for an operator.
     */
    public record OrderConfirmationUndeliverable(
            @NotNull UUID orderId,
            @NotNull @Size(max = 2000) String reason) implements NotificationReply {}
}
