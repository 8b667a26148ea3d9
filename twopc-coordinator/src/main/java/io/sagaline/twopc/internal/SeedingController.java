package io.sagaline.twopc.internal;

import io.sagaline.web.ApiException;
import io.sagaline.web.InvalidField;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.Currency;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The set-up endpoints of payment-svc, inventory-svc and shipment-svc, with their paths, bodies
 * and answers, so one seeding client drives either system.
 */
@RestController
class SeedingController {

    private static final String SKU_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    private final Seeding seeding;

    SeedingController(Seeding seeding) {
        this.seeding = seeding;
    }

    /** 201 with the account; 409 when the customer has one. */
    @PostMapping("/api/accounts")
    ResponseEntity<PaymentRepository.Account> openAccount(@Valid @RequestBody OpenAccount body) {
        String currency = Objects.requireNonNull(body.currency());
        if (!isCurrency(currency)) {
            throw new InvalidField("currency", "must be an ISO 4217 currency code");
        }
        String customerId = Objects.requireNonNull(body.customerId());
        return seeding.openAccount(customerId, currency, Objects.requireNonNull(body.creditLimit()))
                .map(account -> ResponseEntity.created(location("/api/accounts/{id}", customerId))
                        .body(account))
                .orElseThrow(
                        () -> ApiException.conflict("Conflict", "customer " + customerId + " already has an account"));
    }

    /** 201 with the SKU's counts; the SKU is created with its first units. */
    @PostMapping("/api/skus/{sku}/units")
    ResponseEntity<StockRepository.SkuCounts> addUnits(@PathVariable String sku, @Valid @RequestBody AddUnits body) {
        if (!sku.matches(SKU_PATTERN)) {
            throw new InvalidField(
                    "sku", "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        AddUnits.UnitPrice price = Objects.requireNonNull(body.unitPrice());
        String currency = Objects.requireNonNull(price.currency());
        if (!isCurrency(currency)) {
            throw new InvalidField("unitPrice.currency", "must be an ISO 4217 currency code");
        }
        var counts = seeding.addUnits(
                sku, Objects.requireNonNull(body.count()), Objects.requireNonNull(price.amountMinor()), currency);
        return ResponseEntity.created(location("/api/skus/{sku}", sku)).body(counts);
    }

    /** 201 with the carrier; 409 when its name is taken. */
    @PostMapping("/api/carriers")
    ResponseEntity<CarrierRepository.Carrier> registerCarrier(@Valid @RequestBody NewCarrier body) {
        String name = Objects.requireNonNull(body.name());
        return seeding.registerCarrier(
                        name, Objects.requireNonNull(body.regions()), Objects.requireNonNull(body.dailyCapacity()))
                .map(carrier -> ResponseEntity.created(location("/api/carriers/{id}", carrier.id()))
                        .body(carrier))
                .orElseThrow(() -> ApiException.conflict("Conflict", "a carrier named " + name + " exists"));
    }

    private static boolean isCurrency(String code) {
        return Currency.getAvailableCurrencies().stream()
                .anyMatch(currency -> currency.getCurrencyCode().equals(code));
    }

    private static URI location(String path, Object id) {
        return UriComponentsBuilder.fromPath(path).buildAndExpand(id).encode().toUri();
    }

    /** As payment-svc's {@code OpenAccount}. */
    record OpenAccount(
            @NotNull
            @Size(min = 1, max = 100)
            @Pattern(regexp = "[A-Za-z0-9._-]+", message = "must be letters, digits, '.', '_' or '-'")
            @Nullable
            String customerId,

            @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR") @Nullable
            String currency,

            @NotNull @PositiveOrZero @Nullable Long creditLimit) {}

    /** As inventory-svc's {@code AddUnits}. */
    record AddUnits(
            @NotNull @Min(1) @Max(10_000) @Nullable Integer count,
            @NotNull @Valid @Nullable UnitPrice unitPrice) {

        record UnitPrice(
                @NotNull @PositiveOrZero @Nullable Long amountMinor,

                @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR") @Nullable
                String currency) {}
    }

    /** As shipment-svc's {@code NewCarrier}. */
    record NewCarrier(
            @NotBlank @Size(max = 100) @Nullable String name,
            @NotEmpty @Nullable List<@NotBlank @Size(max = 100) String> regions,
            @NotNull @Min(1) @Max(100_000) @Nullable Integer dailyCapacity) {}
}
