package io.sagaline.messaging.contract;

/** A shipping address; {@code region} is what carriers are booked by. */
public record Address(String country, String region, String city, String line1, String postalCode) {}
