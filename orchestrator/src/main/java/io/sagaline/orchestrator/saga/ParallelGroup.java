package io.sagaline.orchestrator.saga;

import io.sagaline.orchestrator.saga.GroupMember.Phase;
import io.sagaline.orchestrator.saga.SagaEvent.DeadlinePassed;
import io.sagaline.orchestrator.saga.SagaEvent.ReplyReceived;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The moves of a saga that runs a parallel group: each member has the attempts, timeouts, retries
 * and reply correlation of a step run alone, and the group decides when the saga moves on.
 *
 * <p>While no member has failed, the saga is {@link SagaStatus#RUNNING} and moves to the step after
 * the group once every member succeeded. The first member that fails, or is in doubt, makes it
 * {@link SagaStatus#COMPENSATING} while still standing on the group: members waiting for a retry
 * are abandoned, no command goes forward any more, and the members still awaited are waited for
 * until they answer or time out. Then compensation starts with the group's last step; members that
 * failed are skipped, for they did nothing.
 */
final class ParallelGroup {

    private ParallelGroup() {}

    /** Sends the first command of every member of {@code group}. */
    static <D extends Record> SagaState start(Turn<D> turn, SagaState state, StepGroup group) {
        List<GroupMember> members = new ArrayList<>();
        for (int index = group.first(); index <= group.last(); index++) {
            members.add(turn.sendMember(index, 1, null));
        }
        return SagaState.inGroup(group.first(), state.status(), members, state.reason(), null);
    }

    static <D extends Record> SagaState onReply(Turn<D> turn, SagaState state, ReplyReceived event) {
        String type = event.reply().getClass().getSimpleName();
        Optional<GroupMember> answered = answered(turn, state, event);
        if (!state.status().isActive() || answered.isEmpty()) {
            return turn.ignore(
                    state,
                    type + " answers request " + event.inReplyTo() + ", which no member of the group awaits (saga is "
                            + state.status() + ")");
        }
        GroupMember member = answered.get();
        Step<D> step = turn.definition().step(member.step());
        Step.Outcome outcome = step.classify(event.reply(), Direction.FORWARD);
        if (outcome == Step.Outcome.UNEXPECTED) {
            return turn.ignore(state, type + " is not a reply " + step.name() + " expects");
        }
        boolean failing = state.status() == SagaStatus.COMPENSATING;
        boolean untilDone = !turn.definition().isBeforePivot(step.index());
        var group = new Members(state);
        String failure = null;
        switch (outcome) {
            case DONE -> {
                turn.fold(step, event.reply());
                group.put(settled(turn, member, Phase.SUCCEEDED, null));
            }
            case FAILED -> {
                String error = step.name() + " failed: " + event.reply();
                group.put(settled(turn, member, Phase.FAILED, error));
                if (untilDone) {
                    // Past the pivot nothing is undone: an operator decides, as for a step run alone.
                    SagaState waiting = group.state(state.status(), state.reason(), group.latestError());
                    return turn.failCompletion(waiting, step.name() + " failed for good: " + event.reply());
                }
                failure = failing ? null : error;
            }
            case RETRYABLE_FAILURE -> {
                String error = step.name() + " failed, retryable: " + event.reply();
                if (!failing && (untilDone || step.retry().allowsAttemptAfter(member.attempt()))) {
                    Instant due = turn.backoffAfter(step, member.attempt());
                    turn.emit(new SagaEffect.RetryScheduled(
                            step.index(), Direction.FORWARD, member.attempt() + 1, due, error));
                    group.put(member.dueAt(due, false, error));
                } else {
                    // Every attempt answered "not done": the member did nothing.
                    group.put(settled(turn, member, Phase.FAILED, error));
                    failure = failing ? null : "gave up after " + member.attempt() + " attempts: " + error;
                }
            }
            case UNEXPECTED -> throw new IllegalStateException("handled above");
        }
        return settle(turn, state, group, failure);
    }

    /**
     * The member the reply answers: the one awaiting it, or the one whose earlier attempt it
     * answers with a final answer (under the member's idempotency key). A member that has already
     * succeeded or failed takes no second answer.
     */
    private static <D extends Record> Optional<GroupMember> answered(
            Turn<D> turn, SagaState state, ReplyReceived event) {
        for (GroupMember member : state.members()) {
            if (event.inReplyTo().equals(member.awaitedRequest())) {
                return Optional.of(member);
            }
            boolean unanswered = member.phase() != Phase.SUCCEEDED && member.phase() != Phase.FAILED;
            if (unanswered
                    && event.idempotencyKey() != null
                    && event.idempotencyKey().equals(turn.idempotencyKey(member.step(), Direction.FORWARD))) {
                Step.Outcome outcome = turn.definition().step(member.step()).classify(event.reply(), Direction.FORWARD);
                if (outcome == Step.Outcome.DONE || outcome == Step.Outcome.FAILED) {
                    return Optional.of(member);
                }
            }
        }
        return Optional.empty();
    }

    static <D extends Record> SagaState onDeadline(Turn<D> turn, SagaState state, DeadlinePassed event) {
        Instant now = turn.now();
        Instant timeoutsUpTo = event.timeoutsUpTo().isBefore(now) ? event.timeoutsUpTo() : now;
        boolean failing = state.status() == SagaStatus.COMPENSATING;
        var group = new Members(state);
        String failure = null;
        boolean fired = false;
        // Timeouts first: a member in doubt stops the others' resends in the same turn.
        for (GroupMember member : state.members()) {
            if (member.phase() != Phase.AWAITING || !member.isDue(timeoutsUpTo)) {
                continue;
            }
            fired = true;
            Step<D> step = turn.definition().step(member.step());
            String timedOut =
                    step.name() + " timed out after " + step.timeout() + " (attempt " + member.attempt() + ")";
            boolean beforePivot = turn.definition().isBeforePivot(step.index());
            if (!failing && (!beforePivot || step.resendsAfterTimeout(member.attempt()))) {
                Instant due = turn.backoffAfter(step, member.attempt());
                String why = beforePivot
                        ? timedOut + "; sending it again within a patience of " + step.patience()
                        : timedOut;
                turn.emit(
                        new SagaEffect.RetryScheduled(step.index(), Direction.FORWARD, member.attempt() + 1, due, why));
                group.put(member.dueAt(due, true, timedOut));
            } else {
                String inDoubt = timedOut + "; in doubt";
                group.put(settled(turn, member, Phase.IN_DOUBT, inDoubt));
                if (failure == null && !failing) {
                    failure = inDoubt;
                }
            }
        }
        if (failure == null && !failing) {
            for (GroupMember member : group.all()) {
                if (member.phase() != Phase.AWAITING && member.isDue(now)) {
                    fired = true;
                    group.put(turn.sendMember(member.step(), member.attempt() + 1, member.lastError()));
                }
            }
        }
        if (!fired) {
            return turn.ignore(
                    state, "no member's deadline due; saga is " + state.status() + ", deadline " + state.deadline());
        }
        return settle(turn, state, group, failure);
    }

    /** An operator's retry: every member still open is sent again now, as its next attempt. */
    static <D extends Record> SagaState retryNow(Turn<D> turn, SagaState state) {
        boolean failing = state.status() == SagaStatus.COMPENSATING;
        boolean resume = state.status() == SagaStatus.COMPLETION_FAILED;
        var group = new Members(state);
        for (GroupMember member : state.members()) {
            boolean again = resume
                    ? member.phase() != Phase.SUCCEEDED
                    : failing
                            ? member.phase() == Phase.AWAITING
                            : member.phase().isOpen();
            if (again) {
                group.put(turn.sendMember(member.step(), member.attempt() + 1, member.lastError()));
            }
        }
        SagaStatus status = resume ? SagaStatus.RUNNING : state.status();
        return group.state(status, state.reason(), group.latestError());
    }

    /**
     * An operator's abort before the pivot: compensation starts at once. What is awaited or due
     * again may have happened and is undone; what answered "not done" is not.
     */
    static <D extends Record> SagaState abort(Turn<D> turn, SagaState state, String reason) {
        var group = new Members(state);
        for (GroupMember member : state.members()) {
            switch (member.phase()) {
                case AWAITING, RESEND_DUE -> group.put(member.settled(Phase.IN_DOUBT, member.lastError()));
                case RETRY_DUE -> group.put(member.settled(Phase.FAILED, member.lastError()));
                case SUCCEEDED, FAILED, IN_DOUBT -> {}
            }
        }
        SagaState settled = group.state(state.status(), state.reason(), group.latestError());
        return turn.compensate(settled, group.last(), reason);
    }

    private static <D extends Record> GroupMember settled(
            Turn<D> turn, GroupMember member, Phase outcome, @Nullable String detail) {
        String name = turn.definition().step(member.step()).name();
        turn.emit(new SagaEffect.MemberSettled(member.step(), name, outcome, detail));
        return member.settled(outcome, detail);
    }

    /**
     * After a member changed: moves on when every member succeeded, starts compensating once a
     * failing group has nothing awaited, and otherwise waits.
     *
     * @param failure why the group starts failing in this turn, if it does
     */
    private static <D extends Record> SagaState settle(
            Turn<D> turn, SagaState state, Members group, @Nullable String failure) {
        SagaStatus status = state.status();
        String reason = state.reason();
        if (failure != null) {
            status = SagaStatus.COMPENSATING;
            reason = failure;
            group.abandonDue();
            turn.emit(new SagaEffect.CompensationPending(group.first(), failure, group.awaited()));
        }
        if (status == SagaStatus.COMPENSATING && group.awaited().isEmpty()) {
            SagaState answered = group.state(status, reason, failure != null ? failure : group.latestError());
            return turn.compensate(answered, group.last(), String.valueOf(reason));
        }
        if (status == SagaStatus.RUNNING && group.allSucceeded()) {
            return turn.enter(state.after(group.last()));
        }
        return group.state(status, reason, failure != null ? failure : group.latestError());
    }

    /** The members of the group being changed in one turn. */
    private static final class Members {

        private final int first;
        private final List<GroupMember> members;
        private @Nullable String latestError;

        Members(SagaState state) {
            this.first = state.step();
            this.members = new ArrayList<>(state.members());
            this.latestError = state.lastError();
        }

        /** Replaces the member of {@code changed}'s step; a new error of it becomes the group's latest. */
        void put(GroupMember changed) {
            for (int i = 0; i < members.size(); i++) {
                GroupMember before = members.get(i);
                if (before.step() == changed.step()) {
                    if (changed.lastError() != null && !changed.lastError().equals(before.lastError())) {
                        latestError = changed.lastError();
                    }
                    members.set(i, changed);
                }
            }
        }

        @Nullable
        String latestError() {
            return latestError;
        }

        List<GroupMember> all() {
            return List.copyOf(members);
        }

        int first() {
            return first;
        }

        int last() {
            return members.getLast().step();
        }

        /** Members waiting to be sent again are not: what may have happened is in doubt, the rest failed. */
        void abandonDue() {
            members.replaceAll(member -> switch (member.phase()) {
                case RESEND_DUE -> member.settled(Phase.IN_DOUBT, member.lastError());
                case RETRY_DUE -> member.settled(Phase.FAILED, member.lastError());
                case AWAITING, SUCCEEDED, FAILED, IN_DOUBT -> member;
            });
        }

        List<Integer> awaited() {
            return members.stream()
                    .filter(member -> member.phase() == Phase.AWAITING)
                    .map(GroupMember::step)
                    .toList();
        }

        boolean allSucceeded() {
            return members.stream().allMatch(member -> member.phase() == Phase.SUCCEEDED);
        }

        SagaState state(SagaStatus status, @Nullable String reason, @Nullable String lastError) {
            return SagaState.inGroup(first, status, members, reason, lastError);
        }
    }
}
