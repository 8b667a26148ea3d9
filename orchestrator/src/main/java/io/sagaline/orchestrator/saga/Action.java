package io.sagaline.orchestrator.saga;

import java.util.Objects;
import java.util.function.Function;

/**
 * What a step, or its compensation, does: a command to a participant, or something the
 * orchestrator does itself in the transaction that applies the transition.
 */
public sealed interface Action<D extends Record> {

    /** Done by the orchestrator in its own transaction; completes at once. */
    record Local<D extends Record>() implements Action<D> {}

    /**
     * A command sent to a participant.
     *
     * @param topic where the command goes, one of {@link io.sagaline.messaging.Topics}
     * @param command makes the command from the saga's data as it is when the command is sent
     * @param done the reply type that means the action happened
     */
    record Send<D extends Record>(String topic, Function<D, ? extends Record> command, Class<? extends Record> done)
            implements Action<D> {

        public Send {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(done, "done");
        }
    }
}
