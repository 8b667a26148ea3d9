package io.sagaline.twopc.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sagaline.web.ApiException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Places orders as global transactions: the branches' work in four local transactions, then
 * PREPARE TRANSACTION on each, the COMMIT decision in the log, and COMMIT PREPARED on each. At most
 * {@code max-in-flight} run at once; the rest wait their turn. Thread-safe.
 */
final class Coordinator {

    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
    /** Attempts of one order when a branch loses a deadlock or a serialization conflict. */
    private static final int ATTEMPTS = 3;

    private final String coordinatorId;
    private final Pools pools;
    private final Checkout checkout;
    private final DecisionLog decisions;
    private final CrashPoint crashPoint;
    private final InFlight inFlight;
    private final JsonMapper json;
    private final Clock clock;
    private final Semaphore permits;
    private final @Nullable MeterRegistry meters;

    Coordinator(
            TwoPhaseCommitProperties properties,
            Pools pools,
            Checkout checkout,
            DecisionLog decisions,
            CrashPoint crashPoint,
            InFlight inFlight,
            JsonMapper json,
            Clock clock,
            @Nullable MeterRegistry meters) {
        this.coordinatorId = properties.coordinatorId();
        this.pools = pools;
        this.checkout = checkout;
        this.decisions = decisions;
        this.crashPoint = crashPoint;
        this.inFlight = inFlight;
        this.json = json;
        this.clock = clock;
        this.permits = new Semaphore(properties.maxInFlight(), true);
        this.meters = meters;
        if (meters != null) {
            meters.gauge("sagaline.twopc.in.flight", inFlight, InFlight::size);
        }
    }

    /**
     * What became of an order.
     *
     * @param replayed the key had placed this order before, and nothing ran now
     */
    record Outcome(
            UUID orderId, OrderStatus status, @Nullable String reason, boolean replayed) {}

    /**
     * Places the order, or answers what its key placed before. A global transaction whose outcome
     * cannot be told (its decision neither logged nor known not to be) ends in {@link InDoubt}; its
     * branches stay prepared until the resolver ends them by the log.
     */
    Outcome place(Order order) throws InterruptedException {
        long start = System.nanoTime();
        Optional<OrderRepository.StoredOrder> stored = orders().findByKey(order.key());
        Outcome outcome;
        if (stored.isPresent()) {
            outcome = replayed(stored.get());
        } else {
            permits.acquire();
            try {
                outcome = placeWithRetries(order);
            } finally {
                permits.release();
            }
        }
        if (meters != null) {
            Timer.builder("sagaline.twopc.orders")
                    .tag("status", outcome.status().name())
                    .tag("replayed", Boolean.toString(outcome.replayed()))
                    .register(meters)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        return outcome;
    }

    private Outcome placeWithRetries(Order order) {
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(order);
            } catch (TransientDataAccessException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                log.debug("Order {} attempt {} lost a conflict, trying again: {}", order.id(), attempt, e.getMessage());
            }
        }
    }

    private Outcome attempt(Order order) {
        GlobalId id = GlobalId.of(coordinatorId, order.id());
        Optional<String> refusal;
        boolean keyTaken = false;
        try (GlobalTransaction transaction = begin(id)) {
            switch (checkout.perform(order, transaction)) {
                case Checkout.Verdict.Ready ready -> refusal = commit(transaction);
                case Checkout.Verdict.Refused refused -> {
                    transaction.abort();
                    refusal = Optional.of(refused.reason());
                }
                case Checkout.Verdict.KeyTaken taken -> {
                    transaction.abort();
                    refusal = Optional.empty();
                    keyTaken = true;
                }
            }
        }
        // Every branch connection is back in its pool now: what follows takes a fresh one.
        if (keyTaken) {
            return replayed(storedOrder(order.key()));
        }
        if (refusal.isPresent()) {
            return reject(order, refusal.get());
        }
        return new Outcome(order.id(), OrderStatus.APPROVED, null, false);
    }

    /** Both phases; empty when the global transaction committed, else why it was rolled back. */
    private Optional<String> commit(GlobalTransaction transaction) {
        GlobalId id = transaction.id();
        inFlight.begin(id);
        try {
            Optional<String> unprepared = transaction.prepare();
            if (unprepared.isPresent()) {
                return unprepared;
            }
            crashPoint.reached(TwoPhaseCommitProperties.HaltPoint.AFTER_PREPARE, id);
            Optional<String> undecided = logDecision(transaction);
            if (undecided.isPresent()) {
                return undecided;
            }
            crashPoint.reached(TwoPhaseCommitProperties.HaltPoint.AFTER_DECISION, id);
            List<Branch> uncommitted = transaction.commitPrepared();
            if (uncommitted.isEmpty()) {
                decisions.completed(id.value());
            }
            // Branches whose COMMIT PREPARED failed commit later (resolver, recovery): the decision stands.
            return Optional.empty();
        } finally {
            inFlight.end(id);
        }
    }

    private Optional<String> logDecision(GlobalTransaction transaction) {
        GlobalId id = transaction.id();
        try {
            decisions.logCommit(id);
            return Optional.empty();
        } catch (DataAccessException e) {
            boolean logged;
            try {
                logged = decisions.isLogged(id);
            } catch (DataAccessException unknown) {
                throw new InDoubt(id, e);
            }
            if (logged) {
                return Optional.empty();
            }
            transaction.abort();
            return Optional.of("the commit decision could not be logged: " + e.getMessage());
        }
    }

    /** Records the refusal in a local transaction of the orders database. */
    private Outcome reject(Order order, String reason) {
        boolean recorded = Pools.inLocalTransaction(
                pools.branch(Branch.ORDERS),
                jdbc -> new OrderRepository(jdbc, json).insert(order, OrderStatus.REJECTED, reason, clock.instant()));
        if (!recorded) {
            // A request with the same key got there first; its order is the answer to both.
            return replayed(storedOrder(order.key()));
        }
        return new Outcome(order.id(), OrderStatus.REJECTED, reason, false);
    }

    private GlobalTransaction begin(GlobalId id) {
        try {
            return GlobalTransaction.begin(id, pools);
        } catch (SQLException e) {
            throw new CannotGetJdbcConnectionException("could not open the branches of " + id, e);
        }
    }

    private OrderRepository.StoredOrder storedOrder(String key) {
        return orders().findByKey(key)
                .orElseThrow(() -> new IllegalStateException("the order of key " + key + " disappeared"));
    }

    private OrderRepository orders() {
        return new OrderRepository(JdbcClient.create(pools.branch(Branch.ORDERS)), json);
    }

    private static Outcome replayed(OrderRepository.StoredOrder stored) {
        return new Outcome(stored.id(), stored.status(), stored.reason(), true);
    }

    /**
     * Neither outcome of a prepared global transaction could be chosen: logging its decision failed
     * and the log cannot say whether it holds it. The branches stay prepared for the resolver.
     */
    static final class InDoubt extends ApiException {

        InDoubt(GlobalId id, Throwable cause) {
            // The outcome is the resolver's to find; the client retries under the same key.
            super(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "Outcome in doubt",
                    "global transaction " + id + " is in doubt: its commit decision may or may not be logged",
                    cause);
        }
    }
}
