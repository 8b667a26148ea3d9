package io.sagaline.shipment.internal;

import java.util.List;
import java.util.UUID;

/** A carrier as the REST API shows it. */
record Carrier(UUID id, String name, List<String> regions, int dailyCapacity) {}
