package io.sagaline.orchestrator.order.internal;

import io.sagaline.messaging.contract.Address;
import io.sagaline.messaging.contract.OrderMessages.PlaceOrder;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/orders}, and the rules every placed order obeys, whether it came
 * over REST or Kafka. Fields are nullable here so that a missing one is reported by name.
 */
record PlaceOrderRequest(
        @NotBlank @Size(max = 100) @Nullable String customerId,
        @NotEmpty @Size(max = 100) @Nullable List<@NotNull @Valid LineRequest> lines,

        @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR") @Nullable
        String currency,

        @NotNull @Valid @Nullable AddressRequest shippingAddress,
        @NotBlank @Email @Size(max = 320) @Nullable String email) {

    /** The largest quantity of one line. */
    static final int MAX_QUANTITY = 1_000;

    /** The largest unit price, in minor units: ten million of the major unit. */
    static final long MAX_UNIT_PRICE = 1_000_000_000L;

    record LineRequest(
            @NotBlank @Size(max = 64) @Nullable String sku,
            @NotNull @Min(1) @Max(MAX_QUANTITY) @Nullable Integer quantity,
            @NotNull @Min(0) @Max(MAX_UNIT_PRICE) @Nullable Long unitPrice) {}

    record AddressRequest(
            @NotNull @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166 code such as DE") @Nullable
            String country,

            @NotBlank @Size(max = 100) @Nullable String region,
            @NotBlank @Size(max = 100) @Nullable String city,
            @NotBlank @Size(max = 200) @Nullable String line1,
            @NotBlank @Size(max = 20) @Nullable String postalCode) {}

    static PlaceOrderRequest of(PlaceOrder order) {
        Address address = order.shippingAddress();
        return new PlaceOrderRequest(
                order.customerId(),
                order.lines() == null
                        ? null
                        : order.lines().stream()
                                .map(line -> line == null
                                        ? null
                                        : new LineRequest(line.sku(), line.quantity(), line.unitPrice()))
                                .toList(),
                order.currency(),
                address == null
                        ? null
                        : new AddressRequest(
                                address.country(),
                                address.region(),
                                address.city(),
                                address.line1(),
                                address.postalCode()),
                order.email());
    }

    /** The order as the contract carries it; call only once the request is valid. */
    PlaceOrder toOrder() {
        AddressRequest address = Objects.requireNonNull(shippingAddress);
        return new PlaceOrder(
                Objects.requireNonNull(customerId),
                Objects.requireNonNull(lines).stream()
                        .map(line -> new PlaceOrder.Line(
                                Objects.requireNonNull(line.sku()),
                                Objects.requireNonNull(line.quantity()),
                                Objects.requireNonNull(line.unitPrice())))
                        .toList(),
                Objects.requireNonNull(currency),
                new Address(
                        Objects.requireNonNull(address.country()),
                        Objects.requireNonNull(address.region()),
                        Objects.requireNonNull(address.city()),
                        Objects.requireNonNull(address.line1()),
                        Objects.requireNonNull(address.postalCode())),
                Objects.requireNonNull(email));
    }
}
