package io.sagaline.shipment.internal;

import io.sagaline.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/carriers")
class CarrierController {

    private final Carriers carriers;

    CarrierController(Carriers carriers) {
        this.carriers = carriers;
    }

    @PostMapping
    ResponseEntity<Carrier> register(@Valid @RequestBody NewCarrier request) {
        Carrier carrier = carriers.register(request.name(), request.regions(), request.dailyCapacity())
                .orElseThrow(
                        () -> ApiException.conflict("Carrier exists", "a carrier named " + request.name() + " exists"));
        return ResponseEntity.created(URI.create("/api/carriers/" + carrier.id()))
                .body(carrier);
    }

    @GetMapping
    List<Carrier> all() {
        return carriers.all();
    }

    // Boxed and nullable so that a missing field is reported by validation, with its name.
    record NewCarrier(
            @NotBlank @Size(max = 100) @Nullable String name,
            @NotEmpty @Nullable List<@NotBlank @Size(max = 100) String> regions,
            @NotNull @Min(1) @Max(100_000) @Nullable Integer dailyCapacity) {

        @Override
        public String name() {
            return Objects.requireNonNull(name);
        }

        @Override
        public List<String> regions() {
            return Objects.requireNonNull(regions);
        }

        @Override
        public Integer dailyCapacity() {
            return Objects.requireNonNull(dailyCapacity);
        }
    }
}
