package io.sagaline.orchestrator.saga;

/** Whether a saga runs its steps or their compensations. */
public enum Direction {
    FORWARD("forward"),
    BACKWARD("compensate");

    private final String action;

    Direction(String action) {
        this.action = action;
    }

    /** The action's word in an idempotency key: {@code forward} or {@code compensate}. */
    public String action() {
        return action;
    }
}
