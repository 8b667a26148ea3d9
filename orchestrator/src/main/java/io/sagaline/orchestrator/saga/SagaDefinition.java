package io.sagaline.orchestrator.saga;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A saga's steps in order, read top to bottom. Compensatable steps come first, then at most one
 * pivot, then retriable steps. Immutable and thread-safe; an instance keeps the name and version it
 * was started with, so a changed saga gets a new version and running instances keep the old one.
 *
 * <p>Steps declared one after another that do not depend on each other can form a parallel group:
 * their commands go out together, and the saga moves on when every one of them succeeded. If one
 * fails, no further command goes out; once the others have answered or timed out, every member
 * that succeeded or is in doubt is compensated, one after another in reverse order, and then the
 * steps before the group. A group's members all send commands, and are all compensatable or all
 * retriable; the pivot stands alone.
 *
 * @param name the saga type, such as {@code order}
 * @param version the definition's version, from 1
 * @param dataType the record the saga carries from step to step
 * @param steps the steps, index 0 first
 * @param groups the parallel groups, in step order; a step in none runs alone
 * @param <D> the saga's data
 */
public record SagaDefinition<D extends Record>(
        String name, int version, Class<D> dataType, List<Step<D>> steps, List<StepGroup> groups) {

    public SagaDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataType, "dataType");
        steps = List.copyOf(steps);
        groups = List.copyOf(groups);
        if (name.isBlank() || version < 1 || steps.isEmpty()) {
            throw new IllegalArgumentException("a saga needs a name, a version from 1 and a step");
        }
        var names = new HashSet<String>();
        StepKind previous = StepKind.COMPENSATABLE;
        for (int i = 0; i < steps.size(); i++) {
            Step<D> step = steps.get(i);
            if (step.index() != i || !names.add(step.name())) {
                throw new IllegalArgumentException("step " + i + " (" + step.name() + ") is misplaced or repeated");
            }
            boolean secondPivot = previous == StepKind.PIVOT && step.kind() == StepKind.PIVOT;
            if (step.kind().compareTo(previous) < 0 || secondPivot) {
                throw new IllegalArgumentException(step.name() + ": a " + step.kind() + " step cannot follow a "
                        + previous + " step; the order is compensatable, one pivot, retriable");
            }
            previous = step.kind();
        }
        int free = 0;
        for (StepGroup group : groups) {
            if (group.first() < free || group.last() >= steps.size() || !group.isParallel()) {
                throw new IllegalArgumentException("parallel group " + group + " overlaps another, is out of order,"
                        + " has fewer than two steps or ends past the last step");
            }
            for (int index = group.first(); index <= group.last(); index++) {
                Step<D> step = steps.get(index);
                if (step.isLocal()
                        || step.kind() == StepKind.PIVOT
                        || step.kind() != steps.get(group.first()).kind()) {
                    throw new IllegalArgumentException(step.name() + " cannot run in a parallel group: its steps send"
                            + " commands and are all compensatable or all retriable; the pivot stands alone");
                }
            }
            free = group.last() + 1;
        }
    }

    /** A definition whose steps each run alone. */
    public SagaDefinition(String name, int version, Class<D> dataType, List<Step<D>> steps) {
        this(name, version, dataType, steps, List.of());
    }

    /** Starts a definition; add steps with {@link Builder#step(String)}. */
    public static <D extends Record> Builder<D> of(String name, int version, Class<D> dataType) {
        return new Builder<>(name, version, dataType);
    }

    public Step<D> step(int index) {
        return steps.get(index);
    }

    public int size() {
        return steps.size();
    }

    /** The group step {@code index} runs in: its parallel group, or a group of its own. */
    public StepGroup group(int index) {
        for (StepGroup group : groups) {
            if (group.contains(index)) {
                return group;
            }
        }
        return new StepGroup(index, 1);
    }

    /** The index of the first step that is not compensatable; {@link #size()} if every step is. */
    public int pivot() {
        for (Step<D> step : steps) {
            if (step.kind() != StepKind.COMPENSATABLE) {
                return step.index();
            }
        }
        return steps.size();
    }

    /**
     * The longest a saga can take to reach its pivot when every reply before it comes last
     * (timeouts and resends within each step's patience): what holds and reservations that the
     * pivot relies on must outlive.
     */
    public Duration longestUntilPivot() {
        Duration longest = Duration.ZERO;
        int index = 0;
        while (index < pivot()) {
            StepGroup group = group(index);
            longest = longest.plus(steps.subList(group.first(), group.last() + 1).stream()
                    .map(Step::longestWait)
                    .max(Comparator.naturalOrder())
                    .orElseThrow());
            index = group.last() + 1;
        }
        return longest;
    }

    /** Whether the saga may still be undone while step {@code index} is current. */
    public boolean isBeforePivot(int index) {
        return index < pivot();
    }

    /**
     * Builds a definition step by step. {@link #step(String)} opens a step; the calls after it
     * describe that step until the next {@code step} or {@link #build()}. Not thread-safe.
     */
    public static final class Builder<D extends Record> {

        /** How long a command waits for its reply unless told otherwise. */
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

        /** The retry policy of compensatable steps unless told otherwise. */
        public static final RetryPolicy DEFAULT_RETRY =
                RetryPolicy.exponential(5, Duration.ofMillis(200), Duration.ofSeconds(10));

        /** The retry policy of pivot and retriable steps unless told otherwise. */
        public static final RetryPolicy DEFAULT_RETRY_UNTIL_DONE =
                RetryPolicy.forever(Duration.ofSeconds(1), Duration.ofMinutes(5));

        private final String name;
        private final int version;
        private final Class<D> dataType;
        private final List<Step<D>> steps = new ArrayList<>();
        private final List<List<String>> parallel = new ArrayList<>();
        private @Nullable Draft<D> draft;

        private Builder(String name, int version, Class<D> dataType) {
            this.name = name;
            this.version = version;
            this.dataType = dataType;
        }

        /** Opens the next step. */
        public Builder<D> step(String stepName) {
            close();
            draft = new Draft<>(stepName);
            return this;
        }

        /** The step's kind; {@link StepKind#COMPENSATABLE} unless told otherwise. */
        public Builder<D> kind(StepKind kind) {
            open().kind = kind;
            return this;
        }

        /** The orchestrator does the step itself, in the transaction that reaches it. */
        public Builder<D> local() {
            open().action = new Action.Local<>();
            return this;
        }

        /** The step sends the command {@code command} makes from the saga's data to {@code topic}. */
        public Builder<D> invoke(String topic, Function<D, ? extends Record> command) {
            open().topic = topic;
            open().command = command;
            return this;
        }

        /** The reply meaning the step succeeded. */
        public <R extends Record> Builder<D> onSuccess(Class<R> type) {
            return onSuccess(type, (data, reply) -> data);
        }

        /** The reply meaning the step succeeded, and what it adds to the saga's data. */
        public <R extends Record> Builder<D> onSuccess(Class<R> type, BiFunction<D, R, D> update) {
            open().success = type;
            open().onSuccess = (data, reply) -> update.apply(data, type.cast(reply));
            return this;
        }

        /** The reply meaning a business failure: the step did nothing and is not retried. */
        public Builder<D> onFailure(Class<? extends Record> type) {
            open().failure = type;
            return this;
        }

        /** The reply meaning the step did nothing this time and may be retried. */
        public Builder<D> onRetryableFailure(Class<? extends Record> type) {
            open().retryableFailure = type;
            return this;
        }

        /** The orchestrator undoes the step itself. */
        public Builder<D> compensateLocally() {
            open().compensation = new Action.Local<>();
            return this;
        }

        /** The step is undone by the command {@code command} makes, sent to {@code topic}. */
        public Builder<D> compensateWith(String topic, Function<D, ? extends Record> command) {
            open().compensationTopic = topic;
            open().compensationCommand = command;
            return this;
        }

        /** The reply meaning the compensation succeeded. */
        public Builder<D> compensated(Class<? extends Record> type) {
            open().compensated = type;
            return this;
        }

        public Builder<D> timeout(Duration timeout) {
            open().timeout = timeout;
            return this;
        }

        /**
         * Before the pivot: how long the step keeps sending its command again, under the same
         * idempotency key, when its replies are late, before it is in doubt and compensated. A
         * participant restarting within the patience costs the saga nothing; a business failure
         * still fails the step at once. None unless told otherwise.
         */
        public Builder<D> patience(Duration patience) {
            open().patience = patience;
            return this;
        }

        public Builder<D> retry(RetryPolicy policy) {
            open().retry = policy;
            return this;
        }

        /**
         * Runs the steps named, declared one after another, at once: a parallel group. The steps
         * may be declared before or after this call.
         */
        public Builder<D> parallel(String... stepNames) {
            if (stepNames.length < 2) {
                throw new IllegalArgumentException("a parallel group needs two steps or more");
            }
            parallel.add(List.of(stepNames));
            return this;
        }

        /**
         * The finished definition.
         *
         * @throws IllegalArgumentException if a step is incomplete, the steps are out of order, or
         *     a parallel group names steps that are unknown or not declared one after another
         */
        public SagaDefinition<D> build() {
            close();
            List<StepGroup> groups = new ArrayList<>();
            for (List<String> names : parallel) {
                int first = indexOf(names.getFirst());
                for (int i = 1; i < names.size(); i++) {
                    if (indexOf(names.get(i)) != first + i) {
                        throw new IllegalArgumentException(
                                "parallel " + names + ": the steps must be declared one after another, in this order");
                    }
                }
                groups.add(new StepGroup(first, names.size()));
            }
            groups.sort(Comparator.comparingInt(StepGroup::first));
            return new SagaDefinition<>(name, version, dataType, steps, groups);
        }

        private int indexOf(String stepName) {
            for (Step<D> step : steps) {
                if (step.name().equals(stepName)) {
                    return step.index();
                }
            }
            throw new IllegalArgumentException("parallel: no step is called " + stepName);
        }

        private Draft<D> open() {
            if (draft == null) {
                throw new IllegalStateException("open a step with step(name) first");
            }
            return draft;
        }

        private void close() {
            if (draft != null) {
                steps.add(draft.toStep(steps.size()));
                draft = null;
            }
        }
    }

    private static final class Draft<D extends Record> {

        private final String name;
        private StepKind kind = StepKind.COMPENSATABLE;
        private @Nullable Action<D> action;
        private @Nullable String topic;
        private @Nullable Function<D, ? extends Record> command;
        private @Nullable Class<? extends Record> success;
        private BiFunction<D, Record, D> onSuccess = (data, reply) -> data;
        private @Nullable Class<? extends Record> failure;
        private @Nullable Class<? extends Record> retryableFailure;
        private @Nullable Action<D> compensation;
        private @Nullable String compensationTopic;
        private @Nullable Function<D, ? extends Record> compensationCommand;
        private @Nullable Class<? extends Record> compensated;
        private Duration timeout = Builder.DEFAULT_TIMEOUT;
        private Duration patience = Duration.ZERO;
        private @Nullable RetryPolicy retry;

        private Draft(String name) {
            this.name = name;
        }

        private Step<D> toStep(int index) {
            Action<D> forward = action != null ? action : send(topic, command, success, "invoke", "onSuccess");
            Action<D> backward = compensation != null || compensationCommand == null
                    ? compensation
                    : send(compensationTopic, compensationCommand, compensated, "compensateWith", "compensated");
            if (forward instanceof Action.Local<D> && (command != null || success != null)) {
                throw new IllegalArgumentException(name + ": a local step neither invokes nor replies");
            }
            if (backward instanceof Action.Local<D> && (compensationCommand != null || compensated != null)
                    || backward == null && compensated != null) {
                throw new IllegalArgumentException(name + ": compensate locally, or with a command and its reply");
            }
            RetryPolicy policy = retry != null
                    ? retry
                    : kind == StepKind.COMPENSATABLE ? Builder.DEFAULT_RETRY : Builder.DEFAULT_RETRY_UNTIL_DONE;
            return new Step<>(
                    index,
                    name,
                    kind,
                    forward,
                    onSuccess,
                    failure,
                    retryableFailure,
                    backward,
                    timeout,
                    patience,
                    policy);
        }

        private Action<D> send(
                @Nullable String to,
                @Nullable Function<D, ? extends Record> make,
                @Nullable Class<? extends Record> done,
                String commandCall,
                String replyCall) {
            if (to == null || make == null || done == null) {
                throw new IllegalArgumentException(
                        name + ": needs both " + commandCall + "(topic, command) and " + replyCall + "(type)");
            }
            return new Action.Send<>(to, make, done);
        }
    }
}
