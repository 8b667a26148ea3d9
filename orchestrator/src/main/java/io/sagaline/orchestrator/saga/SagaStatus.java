package io.sagaline.orchestrator.saga;

/** The lifecycle of one saga instance. */
public enum SagaStatus {
    /** Created, not yet started; never persisted by a caller that starts in the same transaction. */
    NEW,
    RUNNING,
    COMPENSATING,
    COMPLETED,
    COMPENSATED,
    /** A compensation exhausted its retries; waits for an operator's retry or resolve. */
    COMPENSATION_FAILED,
    /**
     * A step after the pivot failed for good (a confirmation mail to an address that does not
     * exist): the saga can neither finish nor be undone by itself; waits for an operator's retry
     * or resolve.
     */
    COMPLETION_FAILED,
    /** An operator settled a failed compensation or completion by hand. */
    RESOLVED;

    /** Whether the saga is waiting for a reply or a deadline. */
    public boolean isActive() {
        return this == RUNNING || this == COMPENSATING;
    }

    /** Whether no event can change the saga any more. */
    public boolean isFinal() {
        return this == COMPLETED || this == COMPENSATED || this == RESOLVED;
    }
}
