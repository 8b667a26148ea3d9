package io.sagaline.orchestrator.runtime;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.messaging.Inbox;
import io.sagaline.messaging.MalformedMessageException;
import io.sagaline.messaging.MessageId;
import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.SagaProperties;
import io.sagaline.messaging.contract.MessageTypes;
import io.sagaline.orchestrator.runtime.StepLog.Entry;
import io.sagaline.orchestrator.runtime.StepLog.Line;
import io.sagaline.orchestrator.saga.GroupMember;
import io.sagaline.orchestrator.saga.SagaDefinition;
import io.sagaline.orchestrator.saga.SagaEffect;
import io.sagaline.orchestrator.saga.SagaEngine;
import io.sagaline.orchestrator.saga.SagaEvent;
import io.sagaline.orchestrator.saga.SagaState;
import io.sagaline.orchestrator.saga.Transition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionOperations;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies events to stored sagas, each in one local transaction: inbox entry (for replies), the
 * saga loaded, {@link SagaEngine#apply}, the new state stored with a version check, commands
 * written to the outbox, local steps run, and every event and effect appended to the step log.
 *
 * <p>Thread-safe, and safe with several orchestrator instances on one database: a write that
 * loses the version race rolls back and applies its event again to the state that won.
 */
@Service
public class Sagas {

    /** The orchestrator's name in the inbox. */
    static final String CONSUMER = "orchestrator";

    private static final Logger log = LoggerFactory.getLogger(Sagas.class);
    private static final int MAX_CONFLICTS = 10;
    /** How long a saga whose event keeps failing waits before the scanner tries it again. */
    private static final Duration FAILED_EVENT_BACKOFF = Duration.ofMinutes(1);

    private final Map<String, SagaType<?>> types;
    private final SagaRepository repository;
    private final StepLog stepLog;
    private final Inbox inbox;
    private final EnvelopeCodec codec;
    private final JsonMapper mapper;
    private final TransactionOperations transactions;
    private final Clock clock;
    private final SagaEngine engine;
    private final SagaMetrics metrics;
    private final Effects effects;
    private final SagaAdmission admission;
    /** The definition new sagas start on, by type. */
    private final Map<String, SagaDefinition<?>> startOn;

    Sagas(
            List<SagaType<?>> types,
            SagaRepository repository,
            StepLog stepLog,
            Inbox inbox,
            EnvelopeCodec codec,
            JsonMapper mapper,
            TransactionOperations transactions,
            Clock clock,
            SagaEngine engine,
            SagaMetrics metrics,
            Effects effects,
            SagaAdmission admission,
            SagaProperties saga,
            OrchestratorProperties properties) {
        types.forEach(type -> requireWithin(saga.maxDuration(), type));
        this.startOn = types.stream()
                .collect(Collectors.toUnmodifiableMap(SagaType::name, type -> startDefinition(type, properties)));
        this.types = types.stream().collect(Collectors.toUnmodifiableMap(SagaType::name, Function.identity()));
        this.repository = repository;
        this.stepLog = stepLog;
        this.inbox = inbox;
        this.codec = codec;
        this.mapper = mapper;
        this.transactions = transactions;
        this.clock = clock;
        this.engine = engine;
        this.metrics = metrics;
        this.effects = effects;
        this.admission = admission;
    }

    /**
     * Participants keep holds and reservations for longer than {@code sagaline.saga.max-duration};
     * a definition that can take longer to reach its pivot could find them expired.
     */
    static void requireWithin(Duration maxDuration, SagaType<?> type) {
        for (SagaDefinition<?> definition : type.definitions()) {
            Duration longest = definition.longestUntilPivot();
            if (longest.compareTo(maxDuration) > 0) {
                throw new IllegalStateException(definition.name() + " v" + definition.version() + " can take "
                        + longest + " to reach its pivot (every reply late, every resend within its patience),"
                        + " longer than sagaline.saga.max-duration (" + maxDuration + "), which participants'"
                        + " holds and reservations are only required to outlast");
            }
        }
    }

    /** The definition {@code sagaline.orchestrator.start-versions} names for {@code type}, or its newest. */
    private static <D extends Record> SagaDefinition<D> startDefinition(
            SagaType<D> type, OrchestratorProperties properties) {
        return properties
                .startVersion(type.name())
                .map(version -> type.definition(version)
                        .orElseThrow(() -> new IllegalStateException("sagaline.orchestrator.start-versions names "
                                + type.name() + " v" + version + ", which is not registered; it has versions "
                                + type.definitions().stream()
                                        .map(SagaDefinition::version)
                                        .toList())))
                .orElseGet(type::latest);
    }

    /**
     * Starts a saga on the definition {@code sagaline.orchestrator.start-versions} names for
     * {@code type} (its newest unless named), or finds the one its start key
     * started before. The saga's first commands are in the outbox when this returns.
     *
     * @throws StartKeyReused if the key started a saga from a request with another fingerprint
     * @throws SagaLimitReached if as many sagas as admitted are under way; nothing was started
     */
    public <D extends Record> StartResult start(SagaType<D> type, SagaStart<D> start) {
        // A key that started a saga before is answered whatever the load: a client's retry is safe.
        Optional<SagaRow> before = repository.findByStartKey(start.startKey());
        if (before.isPresent()) {
            return existing(before.get(), start);
        }
        admission.admit();
        StartResult result;
        try {
            result = startAdmitted(type, start);
        } catch (RuntimeException e) {
            admission.notStarted();
            throw e;
        }
        if (result.created()) {
            admission.started();
        } else {
            admission.notStarted();
        }
        return result;
    }

    private static StartResult existing(SagaRow row, SagaStart<?> start) {
        if (!row.startFingerprint().equals(start.fingerprint())) {
            throw new StartKeyReused(start.startKey(), row.id());
        }
        return new StartResult(row.id(), false);
    }

    private <D extends Record> StartResult startAdmitted(SagaType<D> type, SagaStart<D> start) {
        return inTransaction(() -> {
            Instant now = clock.instant();
            @SuppressWarnings("unchecked") // startOn maps each type's name to one of its own definitions
            SagaDefinition<D> definition = (SagaDefinition<D>) startOn.get(type.name());
            var event = new SagaEvent.Started();
            Transition<D> transition =
                    engine.apply(definition, start.sagaId(), start.data(), SagaState.initial(), event, now);
            var row = new SagaRow(
                    start.sagaId(),
                    type.name(),
                    definition.version(),
                    transition.state(),
                    json(transition.data()),
                    0,
                    start.startKey(),
                    start.fingerprint(),
                    now,
                    now);
            if (!repository.insert(row)) {
                return existing(
                        repository
                                .findByStartKey(start.startKey())
                                .orElseThrow(
                                        () -> new IllegalStateException("start key " + start.startKey() + " vanished")),
                        start);
            }
            var started = Line.of(
                    row.id(), now, Entry.STARTED, "definition " + definition.name() + " v" + definition.version());
            effects.carryOut(type, definition, row, transition, now, new ArrayList<>(List.of(started)));
            Effects.afterCommit(() -> metrics.started(type.name()));
            return new StartResult(row.id(), true);
        });
    }

    /**
     * Applies a participant's reply once. A redelivered reply (same message id) is logged and
     * skipped; a reply the saga does not await is logged and ignored by the engine.
     *
     * @throws MalformedMessageException if the reply names no request, has an unknown type or
     *     payload, or names a saga that does not exist: it can never be applied
     */
    public void onReply(Envelope reply) {
        MessageId answered = reply.inReplyTo();
        if (answered == null) {
            throw new MalformedMessageException("reply " + reply.messageId() + " names no request it answers");
        }
        Class<? extends Record> replyType = MessageTypes.named(reply.type())
                .orElseThrow(() -> new MalformedMessageException("unknown message type " + reply.type()));
        Record payload = codec.payload(reply, replyType);
        inTransaction(() -> {
            Instant now = clock.instant();
            SagaRow row = repository
                    .find(reply.sagaId())
                    .orElseThrow(() -> new MalformedMessageException(
                            "reply " + reply.messageId() + " names saga " + reply.sagaId() + ", which does not exist"));
            Line received = Line.of(row.id(), now, Entry.REPLY, null)
                    .message(reply.type(), reply.messageId().value(), answered.value());
            if (!inbox.recordFirstDelivery(CONSUMER, reply.messageId())) {
                stepLog.append(List.of(received.as(Entry.DUPLICATE_DELIVERY, "delivered before; applied once")));
                return null;
            }
            applyReply(
                    typeOf(row),
                    row,
                    new SagaEvent.ReplyReceived(answered.value(), reply.idempotencyKey(), payload),
                    received,
                    now);
            return null;
        });
    }

    /** Whether a reply timeout came due after {@code after}, by now. */
    boolean timeoutDueAfter(Instant after) {
        return repository.timeoutDue(after, clock.instant());
    }

    /**
     * Fires the deadlines of up to {@code limit} sagas whose deadline has passed and that no other
     * orchestrator instance has claimed, in one transaction: due retries, and reply timeouts that
     * came due by {@code timeoutsUpTo} (up to when every reply has been read; see {@link
     * RepliesRead}). If the batch fails, its sagas are fired one transaction each, so that one saga
     * whose deadline cannot be handled holds up no other.
     *
     * @return how many sagas were handled; 0 when none is due
     */
    int fireDeadlines(Instant timeoutsUpTo, int limit) {
        try {
            return inTransaction(() -> {
                Instant now = clock.instant();
                List<SagaRow> due = repository.claimDue(now, timeoutsUpTo, limit);
                due.forEach(row -> fire(row, now, timeoutsUpTo));
                return due.size();
            });
        } catch (RuntimeException e) {
            log.warn("Firing a batch of deadlines failed ({}); firing them one at a time", e.toString());
            int fired = 0;
            while (fired < limit && fireNextDeadline(timeoutsUpTo)) {
                fired++;
            }
            return fired;
        }
    }

    private boolean fireNextDeadline(Instant timeoutsUpTo) {
        var claimed = new AtomicReference<SagaRow>();
        try {
            return inTransaction(() -> {
                Instant now = clock.instant();
                List<SagaRow> due = repository.claimDue(now, timeoutsUpTo, 1);
                if (due.isEmpty()) {
                    return false;
                }
                claimed.set(due.getFirst());
                fire(due.getFirst(), now, timeoutsUpTo);
                return true;
            });
        } catch (RuntimeException e) {
            SagaRow row = claimed.get();
            if (row == null) {
                throw e;
            }
            // A saga whose deadline cannot be handled must not starve the others: it waits, visibly.
            log.error("Deadline of saga {} failed; trying again in {}", row.id(), FAILED_EVENT_BACKOFF, e);
            Instant now = clock.instant();
            transactions.executeWithoutResult(status -> {
                repository.postpone(row.id(), now.plus(FAILED_EVENT_BACKOFF), String.valueOf(e), now);
                stepLog.append(List.of(Line.of(row.id(), now, Entry.EVENT_FAILED, String.valueOf(e))));
            });
            return true;
        }
    }

    private void fire(SagaRow row, Instant now, Instant timeoutsUpTo) {
        Entry entry = row.state().awaitedRequest() != null ? Entry.TIMEOUT : Entry.RETRY_DUE;
        apply(typeOf(row), row, new SagaEvent.DeadlinePassed(timeoutsUpTo), Line.of(row.id(), now, entry, null), now);
    }

    /**
     * Applies an operator's action ({@link SagaEvent.OperatorRetry}, {@link SagaEvent.OperatorAbort}
     * or {@link SagaEvent.OperatorResolve}), recording who asked.
     *
     * @return empty if the saga does not exist
     */
    public Optional<OperatorResult> operate(SagaId sagaId, SagaEvent action, String actor) {
        Entry entry = switch (action) {
            case SagaEvent.OperatorRetry retry -> Entry.OPERATOR_RETRY;
            case SagaEvent.OperatorAbort abort -> Entry.OPERATOR_ABORT;
            case SagaEvent.OperatorResolve resolve -> Entry.OPERATOR_RESOLVE;
            default -> throw new IllegalArgumentException(action + " is not an operator's action");
        };
        String reason = switch (action) {
            case SagaEvent.OperatorAbort abort -> abort.reason();
            case SagaEvent.OperatorResolve resolve -> resolve.reason();
            default -> null;
        };
        return Optional.ofNullable(inTransaction(() -> {
            Instant now = clock.instant();
            Optional<SagaRow> found = repository.find(sagaId);
            if (found.isEmpty()) {
                return null;
            }
            SagaRow row = found.get();
            Transition<?> transition = apply(
                    typeOf(row),
                    row,
                    action,
                    Line.of(row.id(), now, entry, reason).by(actor),
                    now);
            return transition.isRejected()
                    ? new OperatorResult(false, refusal(transition))
                    : new OperatorResult(true, null);
        }));
    }

    private <D extends Record> void applyReply(
            SagaType<D> type, SagaRow row, SagaEvent.ReplyReceived event, Line received, Instant now) {
        SagaDefinition<D> definition = definitionOf(type, row);
        SagaState before = row.state();
        Transition<D> transition = apply(type, row, event, received, now);
        if (!transition.isIgnored()) {
            Optional<GroupMember> member = before.memberAwaiting(event.inReplyTo());
            var step = definition.step(member.map(GroupMember::step).orElse(before.step()));
            Instant deadline = member.map(GroupMember::deadline)
                    .orElse(event.inReplyTo().equals(before.awaitedRequest()) ? before.deadline() : null);
            Instant sent = deadline != null
                    ? deadline.minus(step.timeout())
                    : now; // an earlier attempt's reply: when it was sent is not kept
            String outcome = step.classify(event.reply(), before.direction()).name();
            Effects.afterCommit(() -> metrics.stepAnswered(
                    type.name(), step.name(), before.direction(), outcome, Duration.between(sent, now)));
        }
    }

    private <D extends Record> Transition<D> apply(
            SagaType<D> type, SagaRow row, SagaEvent event, Line eventLine, Instant now) {
        SagaDefinition<D> definition = definitionOf(type, row);
        SagaState before = row.state();
        // The event happened to the step the saga stood on; a reply, to the group member it answers.
        int at = event instanceof SagaEvent.ReplyReceived reply
                ? before.memberAwaiting(reply.inReplyTo())
                        .map(GroupMember::step)
                        .orElse(before.step())
                : firstDueStep(before);
        int attempt = before.member(at).map(GroupMember::attempt).orElse(before.attempt());
        Line line = eventLine.step() == null && at >= 0 && at < definition.size()
                ? eventLine.atStep(at, definition.step(at).name(), before.direction(), attempt)
                : eventLine;
        D data = mapper.readValue(row.payload(), type.dataType());
        Transition<D> transition = engine.apply(definition, row.id(), data, row.state(), event, now);
        boolean changed = !transition.isIgnored() && !transition.isRejected();
        if (changed && !repository.update(row, transition.state(), json(transition.data()), now)) {
            throw new ConcurrentChange(row.id());
        }
        effects.carryOut(type, definition, row, transition, now, new ArrayList<>(List.of(line)));
        return transition;
    }

    /** The step whose deadline is the saga's: a group member's, or else the one the saga stands on. */
    private static int firstDueStep(SagaState state) {
        return state.members().stream()
                .filter(member -> member.deadline() != null && member.deadline().equals(state.deadline()))
                .mapToInt(GroupMember::step)
                .findFirst()
                .orElse(state.step());
    }

    private <D extends Record> SagaDefinition<D> definitionOf(SagaType<D> type, SagaRow row) {
        return type.definition(row.definitionVersion())
                .orElseThrow(() -> new IllegalStateException("saga " + row.id() + " runs " + row.type() + " v"
                        + row.definitionVersion() + ", a version this orchestrator does not have"));
    }

    private SagaType<?> typeOf(SagaRow row) {
        SagaType<?> type = types.get(row.type());
        if (type == null) {
            throw new IllegalStateException(
                    "saga " + row.id() + " is of type " + row.type() + ", which is not registered");
        }
        return type;
    }

    private String json(Record data) {
        return mapper.writeValueAsString(data);
    }

    private static String refusal(Transition<?> transition) {
        return transition.effects().stream()
                .filter(SagaEffect.Rejected.class::isInstance)
                .map(effect -> ((SagaEffect.Rejected) effect).reason())
                .findFirst()
                .orElse("refused");
    }

    private <T> T inTransaction(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transactions.execute(status -> work.get());
            } catch (ConcurrentChange e) {
                if (attempt == MAX_CONFLICTS) {
                    throw e;
                }
                log.debug("{}; applying the event again (attempt {})", e.getMessage(), attempt + 1);
            }
        }
    }

    /** Another transaction wrote the saga after this one read it. */
    static final class ConcurrentChange extends RuntimeException {

        ConcurrentChange(SagaId id) {
            super("saga " + id + " changed concurrently");
        }
    }
}
