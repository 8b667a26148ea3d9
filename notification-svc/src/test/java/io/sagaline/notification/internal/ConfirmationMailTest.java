package io.sagaline.notification.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.messaging.contract.OrderLine;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConfirmationMailTest {

    @Test
    void formatsMinorUnitsWithTheCurrencysOwnDecimals() {
        assertThat(ConfirmationMail.format(Money.of(1250, "EUR"))).isEqualTo("12.50 EUR");
        assertThat(ConfirmationMail.format(Money.of(5, "USD"))).isEqualTo("0.05 USD");
        assertThat(ConfirmationMail.format(Money.of(1250, "JPY"))).isEqualTo("1250 JPY");
        assertThat(ConfirmationMail.format(Money.of(1250, "BHD"))).isEqualTo("1.250 BHD");
        assertThat(ConfirmationMail.format(Money.of(Long.MAX_VALUE, "EUR"))).isEqualTo("92233720368547758.07 EUR");
    }

    @Test
    void mailNamesTheOrderEveryLineAndTheTotal() {
        UUID orderId = UUID.fromString("6f1c2c4e-5d7a-4b8e-9f00-1234567890ab");
        var order = new SendOrderConfirmation(
                orderId,
                "ada@example.org",
                List.of(
                        new OrderLine("SKU-1", 2, Money.of(1250, "EUR")),
                        new OrderLine("SKU-2", 1, Money.of(625, "EUR"))),
                Money.of(3125, "EUR"));

        ConfirmationMail mail = ConfirmationMail.of(order, "orders@sagaline.example");

        assertThat(mail.to()).isEqualTo("ada@example.org");
        assertThat(mail.from()).isEqualTo("orders@sagaline.example");
        assertThat(mail.subject()).contains(orderId.toString());
        assertThat(mail.body())
                .contains("Order: " + orderId)
                .contains("2 x SKU-1 at 12.50 EUR = 25.00 EUR")
                .contains("1 x SKU-2 at 6.25 EUR = 6.25 EUR")
                .contains("Total: 31.25 EUR");
    }

    @Test
    void messageIdIsDerivedFromTheOrderAloneSoEveryAttemptCarriesTheSameId() {
        UUID orderId = UUID.randomUUID();
        var first = new SendOrderConfirmation(orderId, "a@example.org", List.of(), Money.of(0, "EUR"));
        var second = new SendOrderConfirmation(orderId, "b@example.org", List.of(), Money.of(0, "EUR"));

        assertThat(ConfirmationMail.of(first, "orders@shop.example").messageId())
                .isEqualTo(ConfirmationMail.of(second, "orders@shop.example").messageId())
                .isEqualTo("<order-" + orderId + "@shop.example>");
    }
}
