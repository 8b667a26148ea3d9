package io.sagaline.messaging.contract;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A shipping address; {@code region} is what carriers are booked by. */
public record Address(
        @NotBlank @Size(max = 200) String country,
        @NotBlank @Size(max = 200) String region,
        @NotBlank @Size(max = 200) String city,
        @NotBlank @Size(max = 200) String line1,
        @NotBlank @Size(max = 200) String postalCode) {}
