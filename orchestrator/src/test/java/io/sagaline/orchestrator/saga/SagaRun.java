package io.sagaline.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.messaging.SagaId;
import io.sagaline.orchestrator.saga.SagaEffect.SendCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A given/when/then driver for one saga: feeds events to the engine at a test clock and keeps
 * the state, data and effects of the last event. Jitter is drawn as 0, so every backoff is its
 * full exponential value; request ids count up from {@code 00000000-0000-0000-0000-000000000001}.
 */
public final class SagaRun<D extends Record> {

    public static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    public static final SagaId SAGA_ID = SagaId.of("5f2d8c1e-0000-4000-8000-00000000000a");

    private final SagaDefinition<D> definition;
    private final SagaEngine engine;
    private D data;
    private SagaState state = SagaState.initial();
    private Instant now = T0;
    private List<SagaEffect> effects = List.of();
    private long requests;

    private SagaRun(SagaDefinition<D> definition, D data) {
        this.definition = definition;
        this.data = data;
        this.engine = new SagaEngine(() -> 0L, () -> new UUID(0, ++requests));
    }

    /** A saga of {@code definition} carrying {@code data}, not yet started. */
    public static <D extends Record> SagaRun<D> given(SagaDefinition<D> definition, D data) {
        return new SagaRun<>(definition, data);
    }

    /** The idempotency key of step {@code step} in {@code direction} for {@link #SAGA_ID}. */
    public static String key(int step, Direction direction) {
        return SAGA_ID + ":" + step + ":" + direction.action();
    }

    public SagaRun<D> when(SagaEvent event) {
        Transition<D> transition = engine.apply(definition, SAGA_ID, data, state, event, now);
        assertThat(transition.effects()).as("every event leaves a trace").isNotEmpty();
        data = transition.data();
        state = transition.state();
        effects = transition.effects();
        return this;
    }

    public SagaRun<D> start() {
        return when(new SagaEvent.Started());
    }

    /** The awaited request is answered with {@code reply}. */
    public SagaRun<D> reply(Record reply) {
        UUID awaited = Objects.requireNonNull(state.awaitedRequest(), () -> "no request awaited: " + state);
        return replyTo(awaited, reply);
    }

    public SagaRun<D> replyTo(UUID request, Record reply) {
        return when(new SagaEvent.ReplyReceived(request, reply));
    }

    /**
     * A reply to {@code request} under {@code key}, as participants send it: the key tells which
     * request it answers when {@code request} is an earlier attempt.
     */
    public SagaRun<D> replyTo(UUID request, String key, Record reply) {
        return when(new SagaEvent.ReplyReceived(request, key, reply));
    }

    /**
     * Every attempt of the current step times out, and every resend within its patience goes out,
     * until the step is in doubt and compensation starts.
     */
    public SagaRun<D> everyAttemptTimesOut() {
        for (int deadline = 0; deadline < 100; deadline++) {
            deadlinePasses();
            if (effects.stream().anyMatch(SagaEffect.CompensationStarted.class::isInstance)) {
                return this;
            }
        }
        throw new AssertionError("still patient after 100 deadlines: " + state);
    }

    /** The clock moves to the state's deadline, and the deadline scan reports it. */
    public SagaRun<D> deadlinePasses() {
        now = Objects.requireNonNull(state.deadline(), () -> "no deadline: " + state);
        return when(new SagaEvent.DeadlinePassed());
    }

    public SagaRun<D> after(Duration elapsed) {
        now = now.plus(elapsed);
        return this;
    }

    public SagaState state() {
        return state;
    }

    public D data() {
        return data;
    }

    public Instant now() {
        return now;
    }

    public List<SagaEffect> effects() {
        return effects;
    }

    /** The request step {@code step}, a member of the running parallel group, awaits. */
    public UUID awaitedBy(int step) {
        return state.member(step)
                .map(GroupMember::awaitedRequest)
                .orElseThrow(() -> new AssertionError("step " + step + " awaits no reply: " + state));
    }

    /** The request of step {@code step}, a member of the running parallel group, is answered. */
    public SagaRun<D> replyFor(int step, Record reply) {
        return replyTo(awaitedBy(step), reply);
    }

    /** Every command the last event sent, in order. */
    public List<SendCommand> sentAll() {
        return effects.stream()
                .filter(SendCommand.class::isInstance)
                .map(SendCommand.class::cast)
                .toList();
    }

    /** The clock moves to {@code at}, and the deadline scan reports it, with replies read up to {@code readUpTo}. */
    public SagaRun<D> deadlinePassesAt(Instant at, Instant readUpTo) {
        now = at;
        return when(new SagaEvent.DeadlinePassed(readUpTo));
    }

    /** The one command the last event sent. */
    public SendCommand sent() {
        List<SendCommand> sent = effects.stream()
                .filter(SendCommand.class::isInstance)
                .map(SendCommand.class::cast)
                .toList();
        assertThat(sent).as("commands sent by the last event, of %s", effects).hasSize(1);
        return sent.getFirst();
    }

    /** The one effect of {@code type} the last event produced. */
    public <E extends SagaEffect> E effect(Class<E> type) {
        List<E> found =
                effects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("%s among %s", type.getSimpleName(), effects).hasSize(1);
        return found.getFirst();
    }
}
