package io.sagaline.messaging.contract;

/**
 * One line of an order.
 *
 * @param sku the stock-keeping unit
 * @param quantity how many units, at least 1
 * @param unitPrice the price of one unit
 */
public record OrderLine(String sku, int quantity, Money unitPrice) {

    public OrderLine {
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1, got " + quantity);
        }
    }

    public Money total() {
        return unitPrice.times(quantity);
    }
}
