package io.sagaline.loadgen;

/** Facts about the checkout saga the figures are held against. */
final class OrderFlow {

    /**
     * Local transactions one approved order takes in the saga system: the start (saga, order and
     * the first command in one transaction), then for each of the six remote steps (authorize,
     * reserve, ship, capture, allocate, notify) one transaction at the participant that handles the command
     * and one at the orchestrator that applies the reply.
     */
    static final int LOCAL_TRANSACTIONS = 1 + 6 * 2;

    private OrderFlow() {}
}
