package io.sagaline.messaging.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * One line of an order.
 *
 * @param sku the stock-keeping unit
 * @param quantity how many units, at least 1
 * @param unitPrice the price of one unit
 */
public record OrderLine(
        @NotBlank @Size(max = 255) String sku,
        @Positive int quantity,
        @NotNull @Valid Money unitPrice) {

    public OrderLine {
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1, got " + quantity);
        }
    }

    public Money total() {
        return unitPrice.times(quantity);
    }
}
