package io.sagaline.orchestrator.saga;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Something that happened to one saga instance; {@link SagaEngine#apply} decides what it means. */
public sealed interface SagaEvent {

    /** Start the saga: run its first steps. */
    record Started() implements SagaEvent {}

    /**
     * A participant's reply.
     *
     * @param inReplyTo the message id of the command it answers
     * @param idempotencyKey the idempotency key of the command it answers, shared by every attempt
     *     of one request; {@code null} if unknown, and then only a reply to the awaited attempt counts
     * @param reply the reply's payload record
     */
    record ReplyReceived(UUID inReplyTo, @Nullable String idempotencyKey, Record reply) implements SagaEvent {

        public ReplyReceived {
            Objects.requireNonNull(inReplyTo, "inReplyTo");
            Objects.requireNonNull(reply, "reply");
        }

        /** A reply known only by the attempt it answers. */
        public ReplyReceived(UUID inReplyTo, Record reply) {
            this(inReplyTo, null, reply);
        }
    }

    /**
     * The state's deadline passed: the awaited reply timed out, or a retry is due.
     *
     * @param timeoutsUpTo reply timeouts count only up to this instant, up to which every reply has
     *     been read (ADR 11); a due retry counts whenever it is due
     */
    record DeadlinePassed(Instant timeoutsUpTo) implements SagaEvent {

        public DeadlinePassed {
            Objects.requireNonNull(timeoutsUpTo, "timeoutsUpTo");
        }

        /** Every deadline that passed counts. */
        public DeadlinePassed() {
            this(Instant.MAX);
        }
    }

    /** An operator asks to retry the current step, or the failed compensation, now. */
    record OperatorRetry() implements SagaEvent {}

    /** An operator asks to undo the saga now; refused from the pivot on. */
    record OperatorAbort(String reason) implements SagaEvent {

        public OperatorAbort {
            requireText(reason);
        }
    }

    /** An operator settled a failed compensation by hand. */
    record OperatorResolve(String reason) implements SagaEvent {

        public OperatorResolve {
            requireText(reason);
        }
    }

    private static void requireText(String reason) {
        if (reason.isBlank()) {
            throw new IllegalArgumentException("an operator must give a reason");
        }
    }
}
