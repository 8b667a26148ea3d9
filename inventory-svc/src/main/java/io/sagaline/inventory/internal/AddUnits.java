package io.sagaline.inventory.internal;

import io.sagaline.messaging.contract.Money;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;

/** Body of {@code POST /api/skus/{sku}/units}; components are nullable until validated. */
record AddUnits(
        @NotNull @Min(1) @Max(10_000) @Nullable Integer count,
        @NotNull @Valid @Nullable UnitPrice unitPrice) {

    record UnitPrice(
            @NotNull @PositiveOrZero @Nullable Long amountMinor,
            @NotNull @IsoCurrency @Nullable String currency) {

        Money toMoney() {
            return Money.of(java.util.Objects.requireNonNull(amountMinor), java.util.Objects.requireNonNull(currency));
        }
    }
}
