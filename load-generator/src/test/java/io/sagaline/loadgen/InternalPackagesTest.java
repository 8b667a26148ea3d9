package io.sagaline.loadgen;

import io.sagaline.testing.InternalPackages;
import org.junit.jupiter.api.Test;

class InternalPackagesTest {

    @Test
    void internalPackagesAreUsedOnlyByThePackagesThatHoldThem() {
        InternalPackages.assertKeptInside("io.sagaline.loadgen");
    }
}
