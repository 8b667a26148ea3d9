package io.sagaline.orchestrator.saga;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Where one saga instance stands. Immutable; every change makes a new state.
 *
 * <p>While a command is out, {@code awaitedRequest} names it and {@code deadline} is its timeout.
 * While a retry waits for its backoff, {@code awaitedRequest} is {@code null} and {@code deadline}
 * is when the retry is due. A final or failed saga has neither.
 *
 * @param step the current step's index; -1 once every compensation is done
 * @param direction running the steps or their compensations
 * @param status the lifecycle status
 * @param attempt the current request's attempt, from 1; 0 before the step's first command
 * @param awaitedRequest the message id of the command whose reply is awaited
 * @param deadline when the awaited reply times out, or when the pending retry is due
 * <p>While a parallel group runs, {@code step} is the group's first step and {@code members} says
 * where each of its steps stands; {@code deadline} is then the earliest of theirs, and {@code
 * awaitedRequest} names the request it times out, if it is a reply timeout. While the saga
 * compensates through the group, {@code members} still tells which of them need undoing.
 *
 * @param reason why the saga compensates, or how an operator resolved it
 * @param lastError the latest failure of the current request
 * @param members the steps of the parallel group the saga stands on or compensates through; empty
 *     for a step run alone
 */
public record SagaState(
        int step,
        Direction direction,
        SagaStatus status,
        int attempt,
        @Nullable UUID awaitedRequest,
        @Nullable Instant deadline,
        @Nullable String reason,
        @Nullable String lastError,
        List<GroupMember> members) {

    public SagaState {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(status, "status");
        members = List.copyOf(members);
        if (awaitedRequest != null && deadline == null) {
            throw new IllegalArgumentException("an awaited request needs a deadline");
        }
    }

    /** The state of a saga standing on a step run alone. */
    public SagaState(
            int step,
            Direction direction,
            SagaStatus status,
            int attempt,
            @Nullable UUID awaitedRequest,
            @Nullable Instant deadline,
            @Nullable String reason,
            @Nullable String lastError) {
        this(step, direction, status, attempt, awaitedRequest, deadline, reason, lastError, List.of());
    }

    /**
     * The state of a saga running the parallel group that starts at {@code first}: its deadline is
     * the members' earliest, and the awaited request the one that deadline times out.
     */
    static SagaState inGroup(
            int first,
            SagaStatus status,
            List<GroupMember> members,
            @Nullable String reason,
            @Nullable String lastError) {
        GroupMember next = members.stream()
                .filter(member -> member.deadline() != null)
                .min(Comparator.comparing(member -> Objects.requireNonNull(member.deadline())))
                .orElse(null);
        return new SagaState(
                first,
                Direction.FORWARD,
                status,
                0,
                next == null ? null : next.awaitedRequest(),
                next == null ? null : next.deadline(),
                reason,
                lastError,
                members);
    }

    /** Whether the saga runs a parallel group: forward, with each member's state in {@link #members}. */
    public boolean runsGroup() {
        return direction == Direction.FORWARD && !members.isEmpty();
    }

    /** The member of the group whose reply to {@code request} is awaited, if any. */
    public Optional<GroupMember> memberAwaiting(UUID request) {
        return members.stream()
                .filter(member -> request.equals(member.awaitedRequest()))
                .findFirst();
    }

    /** The member of the group for step {@code index}, if the saga stands on or undoes a group. */
    public Optional<GroupMember> member(int index) {
        return members.stream().filter(member -> member.step() == index).findFirst();
    }

    /** A saga not yet started: step 0, forward, {@link SagaStatus#NEW}. */
    public static SagaState initial() {
        return new SagaState(0, Direction.FORWARD, SagaStatus.NEW, 0, null, null, null, null);
    }

    /** Whether {@code request}'s reply is awaited: the saga's own request, or a group member's. */
    public boolean awaits(UUID request) {
        return request.equals(awaitedRequest)
                || members.stream().anyMatch(member -> request.equals(member.awaitedRequest()));
    }

    /** Whether the deadline, a timeout or a due retry, has come at {@code now}. */
    public boolean isDue(Instant now) {
        return status.isActive() && deadline != null && !now.isBefore(deadline);
    }

    SagaState started() {
        return new SagaState(0, Direction.FORWARD, SagaStatus.RUNNING, 0, null, null, null, null);
    }

    /** The state once attempt {@code number} of the current request is sent as {@code request}. */
    public SagaState sent(UUID request, int number, Instant timeoutAt) {
        return new SagaState(step, direction, status, number, request, timeoutAt, reason, lastError, members);
    }

    /** The state waiting until {@code due} to retry the current request, which failed with {@code error}. */
    public SagaState retryAt(Instant due, String error) {
        return new SagaState(step, direction, status, attempt, null, due, reason, error, members);
    }

    /** The next step in the current direction: one on going forward, one back when compensating. */
    public SagaState next() {
        int following = direction == Direction.FORWARD ? step + 1 : step - 1;
        // Compensating through a group, its members tell which steps to skip until it is left.
        List<GroupMember> within =
                direction == Direction.BACKWARD && member(following).isPresent() ? members : List.of();
        return new SagaState(following, direction, status, 0, null, null, reason, null, within);
    }

    /** The step after the group that ends at {@code last}, which every member finished. */
    SagaState after(int last) {
        return new SagaState(last + 1, Direction.FORWARD, status, 0, null, null, reason, null);
    }

    /** Compensation, starting with step {@code from} and going back to step 0. */
    public SagaState startCompensating(int from, String why) {
        List<GroupMember> within = member(from).isPresent() ? members : List.of();
        return new SagaState(from, Direction.BACKWARD, SagaStatus.COMPENSATING, 0, null, null, why, lastError, within);
    }

    /** Back to compensating the failed step with a fresh budget, after an operator's retry. */
    public SagaState resumeCompensating() {
        return new SagaState(
                step, Direction.BACKWARD, SagaStatus.COMPENSATING, 0, null, null, reason, lastError, members);
    }

    /** Back to running the failed step with a fresh budget, after an operator's retry. */
    public SagaState resumeRunning() {
        return new SagaState(step, Direction.FORWARD, SagaStatus.RUNNING, 0, null, null, reason, lastError, members);
    }

    public SagaState completed() {
        return new SagaState(step, direction, SagaStatus.COMPLETED, attempt, null, null, reason, null);
    }

    public SagaState compensated() {
        return new SagaState(step, direction, SagaStatus.COMPENSATED, attempt, null, null, reason, null);
    }

    public SagaState compensationFailed(String error) {
        return new SagaState(
                step, direction, SagaStatus.COMPENSATION_FAILED, attempt, null, null, reason, error, members);
    }

    public SagaState completionFailed(String error) {
        return new SagaState(
                step, direction, SagaStatus.COMPLETION_FAILED, attempt, null, null, reason, error, members);
    }

    public SagaState resolved(String resolution) {
        return new SagaState(step, direction, SagaStatus.RESOLVED, attempt, null, null, resolution, lastError, members);
    }
}
