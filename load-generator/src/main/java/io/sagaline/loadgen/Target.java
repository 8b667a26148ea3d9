package io.sagaline.loadgen;

import java.util.concurrent.CompletableFuture;

/** A system that takes orders: the saga system, or the two-phase-commit baseline. */
interface Target extends AutoCloseable {

    /** Short name for tables and plots: {@code saga} or {@code 2pc}. */
    String name();

    /** Where the workload's customers, stock and carriers are created. */
    Workload.Endpoints seeding();

    /**
     * Places the order and completes when it reached its terminal state. Never completes
     * exceptionally: a failed request is an {@link Outcome.Kind#ERROR} outcome.
     */
    CompletableFuture<Outcome> place(Workload.Order order);

    /**
     * Waits until nothing the system holds is still under way (a backlog left by an earlier run
     * would load the machine while this one measures).
     */
    default void awaitIdle(Progress progress) {}

    /** The databases whose commits count towards the commits per order. */
    java.util.List<String> databases();

    @Override
    void close();
}
