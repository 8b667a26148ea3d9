package io.sagaline.payment;

import io.sagaline.testing.InternalPackages;
import org.junit.jupiter.api.Test;

class InternalPackagesTest {

    @Test
    void internalPackagesAreUsedOnlyByThePackagesThatHoldThem() {
        InternalPackages.assertKeptInside("io.sagaline.payment");
    }
}
