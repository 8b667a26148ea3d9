package io.sagaline.orchestrator;

/**
 * {@link DeadlineScanIT} with a second orchestrator instance on the same database: the two claim
 * due sagas with {@code FOR UPDATE SKIP LOCKED} and share the thousand timeouts.
 */
class DeadlineScanTwoInstancesIT extends DeadlineScanIT {

    @Override
    int instances() {
        return 2;
    }
}
