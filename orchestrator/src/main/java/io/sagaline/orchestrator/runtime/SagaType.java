package io.sagaline.orchestrator.runtime;

import io.sagaline.messaging.SagaId;
import io.sagaline.orchestrator.saga.SagaDefinition;
import io.sagaline.orchestrator.saga.SagaEffect;
import io.sagaline.orchestrator.saga.SagaState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A kind of saga the orchestrator runs: its definitions, one per version, and what its local
 * steps do. Register one as a Spring bean. Every method except {@link #definitions} runs inside
 * the transaction that applies the event, so what it writes commits or rolls back with the saga.
 *
 * @param <D> the saga's data
 */
public interface SagaType<D extends Record> {

    /**
     * Every version of the definition that instances may still run on, newest last. A new
     * instance starts on the newest unless {@code sagaline.orchestrator.start-versions} names
     * another; an instance keeps the version it started with.
     */
    List<SagaDefinition<D>> definitions();

    /**
     * Carries out a local step or its compensation.
     *
     * @param state the saga's state after the transition, with the reason when compensating
     */
    void runLocal(SagaId sagaId, D data, SagaEffect.RunLocal step, SagaState state, Instant now);

    /**
     * The saga's pivot succeeded: from now on it completes, however long its retriable steps
     * take. The outcome can be confirmed to whoever waits for it.
     */
    void pivotPassed(SagaId sagaId, D data, Instant now);

    /** The saga reached a final status (completed, compensated or resolved). */
    void finished(SagaId sagaId, D data, SagaState state, Instant now);

    /** The saga's type name, as stored with each instance. */
    default String name() {
        return latest().name();
    }

    /** The definition of version {@code version}, if this orchestrator has it. */
    default Optional<SagaDefinition<D>> definition(int version) {
        return definitions().stream()
                .filter(definition -> definition.version() == version)
                .findFirst();
    }

    default SagaDefinition<D> latest() {
        return definitions().getLast();
    }

    default Class<D> dataType() {
        return latest().dataType();
    }
}
