package io.sagaline.inventory.internal;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.Objects;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Setup and inspection of stock, for the demo, the tests and operators. */
@RestController
@RequestMapping("/api/skus")
class SkuController {

    static final String SKU_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    static final String SKU_MESSAGE =
            "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private final Stock stock;

    SkuController(Stock stock) {
        this.stock = stock;
    }

    @PostMapping("/{sku}/units")
    ResponseEntity<SkuCounts> addUnits(
            @PathVariable @Pattern(regexp = SKU_PATTERN, message = SKU_MESSAGE) String sku,
            @RequestBody @Valid AddUnits body) {
        var counts = stock.addUnits(
                sku,
                Objects.requireNonNull(body.count()),
                Objects.requireNonNull(body.unitPrice()).toMoney());
        return ResponseEntity.created(URI.create("/api/skus/" + sku)).body(counts);
    }

    @GetMapping("/{sku}")
    SkuCounts counts(@PathVariable @Pattern(regexp = SKU_PATTERN, message = SKU_MESSAGE) String sku) {
        return stock.counts(sku).orElseThrow(() -> new UnknownSkuException(sku));
    }
}
