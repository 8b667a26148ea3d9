package io.sagaline.twopc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class GlobalIdTest {

    private static final UUID ORDER = UUID.fromString("4ec4f84e-7db1-41cb-923d-1931304ad323");

    @Test
    void branchGidsExtendTheGlobalIdWhichExtendsTheCoordinatorsPrefix() {
        GlobalId id = GlobalId.of("c1", ORDER);

        assertThat(id.value()).isEqualTo("sagaline-2pc:c1:" + ORDER);
        assertThat(id.gid(Branch.INVENTORY)).isEqualTo("sagaline-2pc:c1:" + ORDER + ":inventory");
        assertThat(id.gid(Branch.ORDERS)).startsWith(GlobalId.prefixOf("c1"));
    }

    @Test
    void aCoordinatorsPrefixDoesNotMatchAnotherWhoseIdStartsTheSame() {
        assertThat(GlobalId.of("c10", ORDER).gid(Branch.ORDERS)).doesNotStartWith(GlobalId.prefixOf("c1"));
    }

    @Test
    void findsTheGlobalIdOfABranchGidAndNothingInForeignGids() {
        GlobalId id = GlobalId.of("c_1", ORDER);

        assertThat(GlobalId.globalIdOf(id.gid(Branch.SHIPMENT))).contains(id.value());
        assertThat(GlobalId.globalIdOf("someone-else:" + ORDER)).isEmpty();
        assertThat(GlobalId.globalIdOf("sagaline-2pc:")).isEmpty();
    }

    @Test
    void quotesInAGidAreEscapedInItsLiteral() {
        assertThat(BranchTransaction.literal("a'b")).isEqualTo("'a''b'");
    }
}
