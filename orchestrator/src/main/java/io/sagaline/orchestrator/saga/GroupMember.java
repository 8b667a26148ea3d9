package io.sagaline.orchestrator.saga;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Where one step of a parallel group stands while the group runs: its own attempt, awaited
 * request and deadline, exactly as the saga's own fields are for a step run alone.
 *
 * @param step the step's index
 * @param phase what is known of it
 * @param attempt its current request's attempt, from 1
 * @param awaitedRequest the message id of the command whose reply is awaited, while {@link
 *     Phase#AWAITING}
 * @param deadline when the awaited reply times out, or when the next attempt is due
 * @param lastError the latest failure of its request
 */
public record GroupMember(
        int step,
        Phase phase,
        int attempt,
        @Nullable UUID awaitedRequest,
        @Nullable Instant deadline,
        @Nullable String lastError) {

    /** What is known of a member. */
    public enum Phase {
        /** A command is out; its reply is awaited until the deadline. */
        AWAITING,
        /** The last attempt timed out: it may have happened; it is sent again at the deadline. */
        RESEND_DUE,
        /** The last attempt answered "not done, try again": it is sent again at the deadline. */
        RETRY_DUE,
        SUCCEEDED,
        /** Answered a business failure, or gave up: the step did nothing and is not compensated. */
        FAILED,
        /** No answer came, and none is awaited any more: it may have happened, so it is compensated. */
        IN_DOUBT;

        /** Whether the member's outcome is still open: a reply or a deadline can change it. */
        public boolean isOpen() {
            return this == AWAITING || this == RESEND_DUE || this == RETRY_DUE;
        }

        /** Whether the step may have happened, so that undoing the group undoes it. */
        public boolean needsCompensation() {
            return this != FAILED;
        }
    }

    public GroupMember {
        Objects.requireNonNull(phase, "phase");
        if ((phase == Phase.AWAITING) != (awaitedRequest != null) || phase.isOpen() != (deadline != null)) {
            throw new IllegalArgumentException(
                    "member " + step + " " + phase + " with request " + awaitedRequest + " and deadline " + deadline);
        }
    }

    /** The next attempt goes out at {@code due}: {@code mayHaveHappened} after a timeout. */
    GroupMember dueAt(Instant due, boolean mayHaveHappened, String error) {
        return new GroupMember(step, mayHaveHappened ? Phase.RESEND_DUE : Phase.RETRY_DUE, attempt, null, due, error);
    }

    GroupMember settled(Phase outcome, @Nullable String error) {
        return new GroupMember(step, outcome, attempt, null, null, error);
    }

    boolean isDue(Instant now) {
        return phase.isOpen() && deadline != null && !now.isBefore(deadline);
    }
}
