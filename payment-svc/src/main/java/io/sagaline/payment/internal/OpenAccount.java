package io.sagaline.payment.internal;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.Currency;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The body of {@code POST /api/accounts}; nulls are what validation reports, never what is stored. */
record OpenAccount(
        @NotNull
        @Size(min = 1, max = 100)
        @Pattern(regexp = "[A-Za-z0-9._-]+", message = "must be letters, digits, '.', '_' or '-'")
        @Nullable
        String customerId,

        @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR") @Nullable
        String currency,

        @NotNull @PositiveOrZero @Nullable Long creditLimit) {

    private static final Set<String> CURRENCIES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode)
            .collect(Collectors.toUnmodifiableSet());

    /** Three capital letters are not enough: the code must name a currency. */
    boolean isKnownCurrency() {
        return currency == null || !currency.matches("[A-Z]{3}") || CURRENCIES.contains(currency);
    }

    Account toAccount() {
        return new Account(
                Objects.requireNonNull(customerId),
                Objects.requireNonNull(currency),
                Objects.requireNonNull(creditLimit),
                Account.Status.ACTIVE);
    }
}
