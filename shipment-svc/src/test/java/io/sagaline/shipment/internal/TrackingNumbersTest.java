package io.sagaline.shipment.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrackingNumbersTest {

    private final TrackingNumbers trackingNumbers = new TrackingNumbers();

    @Test
    void makesSglFollowedByTwelveUnambiguousBase32Characters() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(trackingNumbers.next()).matches("SGL[0-9ABCDEFGHJKMNPQRSTVWXYZ]{12}");
        }
    }

    @Test
    void neverRepeatsAcrossManyNumbers() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertThat(seen.add(trackingNumbers.next())).isTrue();
        }
    }
}
