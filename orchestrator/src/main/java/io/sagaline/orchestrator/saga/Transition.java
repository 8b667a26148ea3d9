package io.sagaline.orchestrator.saga;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one event: the saga's data and state afterwards, and the effects to carry out.
 *
 * @param data the saga's data, changed by success replies that fold into it
 * @param state the new state; equal to the old one when the event was ignored or rejected
 * @param effects what to do, in order; never empty
 */
public record Transition<D extends Record>(D data, SagaState state, List<SagaEffect> effects) {

    public Transition {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(state, "state");
        effects = List.copyOf(effects);
    }

    /** Whether the event was refused: an operator action not allowed in this state. */
    public boolean isRejected() {
        return effects.stream().anyMatch(SagaEffect.Rejected.class::isInstance);
    }

    /** Whether the event changed nothing and was only logged. */
    public boolean isIgnored() {
        return effects.stream().anyMatch(SagaEffect.Ignored.class::isInstance);
    }
}
