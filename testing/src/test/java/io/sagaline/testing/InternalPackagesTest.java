package io.sagaline.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

class InternalPackagesTest {

    private static final String FIXTURE = "io.sagaline.testing.boundaries";

    @Test
    void internalPackagesAreUsedOnlyByThePackagesThatHoldThem() {
        InternalPackages.assertKeptInside("io.sagaline.testing");
    }

    @Test
    void aUseOfAnotherPackagesInternalsFailsAndIsNamed() {
        var classes = new ClassFileImporter().importPackages(FIXTURE);

        assertThatThrownBy(() -> InternalPackages.assertKeptInside(classes, FIXTURE))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Intruder")
                .hasMessageContaining("Hidden")
                .hasMessageNotContaining("Owner.value");
    }

    @Test
    void theOwnerIsThePackageHoldingInternal() {
        assertThat(InternalPackages.ownerOfInternal("io.sagaline.payment.internal"))
                .isEqualTo("io.sagaline.payment");
        assertThat(InternalPackages.ownerOfInternal("io.sagaline.orchestrator.order.internal.x"))
                .isEqualTo("io.sagaline.orchestrator.order");
        assertThat(InternalPackages.ownerOfInternal("io.sagaline.internalised")).isNull();
        assertThat(InternalPackages.ownerOfInternal("org.example.internal")).isNull();
    }
}
