package io.sagaline.orchestrator.saga;

/** Where a step stands relative to the point of no return. */
public enum StepKind {
    /** Undone by its compensation when a later step fails before the pivot. */
    COMPENSATABLE,
    /** The point of no return: once it succeeds the saga only moves forward. */
    PIVOT,
    /** After the pivot: retried until it succeeds, never compensated. */
    RETRIABLE
}
