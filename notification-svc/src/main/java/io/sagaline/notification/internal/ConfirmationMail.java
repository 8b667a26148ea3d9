package io.sagaline.notification.internal;

import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.messaging.contract.OrderLine;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.UUID;

/**
 * The confirmation e-mail of one order, plain text.
 *
 * @param messageId the SMTP Message-ID, derived from the order id alone, so that every attempt for
 *     one order carries the same id and a mail server or client can recognize a duplicate
 */
record ConfirmationMail(UUID orderId, String from, String to, String subject, String body, String messageId) {

    static ConfirmationMail of(SendOrderConfirmation order, String from) {
        var body = new StringBuilder()
                .append("Thank you for your order.\n\n")
                .append("Order: ")
                .append(order.orderId())
                .append("\n\n");
        for (OrderLine line : order.lines()) {
            body.append("  ")
                    .append(line.quantity())
                    .append(" x ")
                    .append(line.sku())
                    .append(" at ")
                    .append(format(line.unitPrice()))
                    .append(" = ")
                    .append(format(line.total()))
                    .append('\n');
        }
        body.append("\nTotal: ").append(format(order.total())).append('\n');
        String domain = from.substring(from.lastIndexOf('@') + 1);
        return new ConfirmationMail(
                order.orderId(),
                from,
                order.email(),
                "Your order " + order.orderId() + " is confirmed",
                body.toString(),
                "<order-" + order.orderId() + "@" + domain + ">");
    }

    /** An amount in major units with the currency's own number of decimals, never via floating point. */
    static String format(Money money) {
        int digits = Math.max(0, Currency.getInstance(money.currency()).getDefaultFractionDigits());
        return BigDecimal.valueOf(money.amountMinor(), digits).toPlainString() + " " + money.currency();
    }
}
