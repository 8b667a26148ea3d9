package io.sagaline.twopc.internal;

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
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/orders}, the orchestrator's shape and rules; fields are nullable so
 * that a missing one is reported by name.
 */
record PlaceOrderRequest(
        @NotBlank @Size(max = 100) @Nullable String customerId,
        @NotEmpty @Size(max = 100) @Nullable List<@NotNull @Valid LineRequest> lines,

        @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR") @Nullable
        String currency,

        @NotNull @Valid @Nullable AddressRequest shippingAddress,
        @NotBlank @Email @Size(max = 320) @Nullable String email) {

    record LineRequest(
            @NotBlank @Size(max = 64) @Nullable String sku,
            @NotNull @Min(1) @Max(1_000) @Nullable Integer quantity,
            @NotNull @Min(0) @Max(1_000_000_000L) @Nullable Long unitPrice) {}

    record AddressRequest(
            @NotNull @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166 code such as DE") @Nullable
            String country,

            @NotBlank @Size(max = 100) @Nullable String region,
            @NotBlank @Size(max = 100) @Nullable String city,
            @NotBlank @Size(max = 200) @Nullable String line1,
            @NotBlank @Size(max = 20) @Nullable String postalCode) {}

    /** The order to place; call only once the request is valid. */
    Order toOrder(UUID orderId, String key) {
        AddressRequest address = Objects.requireNonNull(shippingAddress);
        return new Order(
                orderId,
                key,
                Objects.requireNonNull(customerId),
                Objects.requireNonNull(lines).stream()
                        .map(line -> new Order.Line(
                                Objects.requireNonNull(line.sku()),
                                Objects.requireNonNull(line.quantity()),
                                Objects.requireNonNull(line.unitPrice())))
                        .toList(),
                Objects.requireNonNull(currency),
                new Order.Address(
                        Objects.requireNonNull(address.country()),
                        Objects.requireNonNull(address.region()),
                        Objects.requireNonNull(address.city()),
                        Objects.requireNonNull(address.line1()),
                        Objects.requireNonNull(address.postalCode())),
                Objects.requireNonNull(email));
    }
}
