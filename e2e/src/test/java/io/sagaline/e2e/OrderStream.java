package io.sagaline.e2e;

import static org.awaitility.Awaitility.await;

import io.sagaline.e2e.Shop.Placed;
import io.sagaline.testing.ApiClient;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Customers who keep coming: orders of mixed kinds placed at a steady rate from a background
 * thread, each by a client of its own. As the API asks of clients, a POST that fails (the
 * orchestrator is down, or answers 5xx) is sent again under the same {@code Idempotency-Key} until
 * it is accepted, so a crash never loses an order and never places one twice.
 *
 * <p>Thread-safe.
 */
final class OrderStream implements AutoCloseable {

    /** What an order of the stream asks for, and so how its saga must end. */
    enum Kind {
        BOOK("alice", "BOOK-1", 1, 19_99, Shop.NORTH, null),
        MUGS("alice", "MUG-1", 2, 9_50, Shop.NORTH, null),
        NO_CREDIT("bob", "BOOK-1", 1, 19_99, Shop.NORTH, "authorize payment failed"),
        SOLD_OUT("alice", "LAMP-1", 1, 45_00, Shop.NORTH, "reserve inventory failed"),
        NO_CARRIER("alice", "MUG-1", 1, 9_50, Shop.SOUTH, "schedule shipment failed");

        final String customer;
        final String sku;
        final int quantity;
        final long unitPrice;
        final Map<String, String> address;

        /** The start of the rejected order's reason, or null for an order to be approved. */
        final @Nullable String failure;

        Kind(
                String customer,
                String sku,
                int quantity,
                long unitPrice,
                Map<String, String> address,
                @Nullable String failure) {
            this.customer = customer;
            this.sku = sku;
            this.quantity = quantity;
            this.unitPrice = unitPrice;
            this.address = address;
            this.failure = failure;
        }

        boolean approved() {
            return failure == null;
        }
    }

    /** An order the orchestrator accepted. */
    record Accepted(Placed placed, Kind kind) {}

    /** Ten orders, six of them to be approved: the mix the stream repeats. */
    private static final List<Kind> MIX = List.of(
            Kind.BOOK,
            Kind.MUGS,
            Kind.BOOK,
            Kind.NO_CREDIT,
            Kind.BOOK,
            Kind.MUGS,
            Kind.SOLD_OUT,
            Kind.BOOK,
            Kind.MUGS,
            Kind.NO_CARRIER);

    /** How long one client keeps trying; well above any outage the crash tests cause. */
    private static final Duration PLACE_TIMEOUT = Duration.ofMinutes(3);

    private static final Duration RETRY_INTERVAL = Duration.ofMillis(250);

    private final List<ApiClient> apis;
    private final AtomicInteger posts = new AtomicInteger();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("order-stream").daemon().factory());
    private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private final AtomicInteger replays = new AtomicInteger();
    private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

    private OrderStream(List<ApiClient> apis) {
        this.apis = List.copyOf(apis);
    }

    /**
     * Starts placing {@code perSecond} orders a second on the system's orchestrator; with several
     * instances, each POST goes to the next one, as behind a load balancer, and one that fails is
     * sent again to the next.
     */
    /** How many of {@code orders} there are of each kind, for a test's report. */
    static Map<Kind, Long> byKind(List<Accepted> orders) {
        return orders.stream()
                .collect(Collectors.groupingBy(Accepted::kind, () -> new EnumMap<>(Kind.class), Collectors.counting()));
    }

    static OrderStream start(Sagaline system, int perSecond) {
        var stream = new OrderStream(system.orchestrators());
        stream.ticker.scheduleAtFixedRate(stream::placeNext, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
        return stream;
    }

    /** Orders whose first POST went out, accepted or not yet. */
    int started() {
        return started.get();
    }

    /** Waits until {@code count} orders have been started in all. */
    void awaitStarted(int count) {
        await(count + " orders started")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> started.get() >= count || failure.get() != null);
        rethrowFailure();
    }

    /**
     * Waits until {@code count} orders have been started, or the stream was stopped before: for a
     * wait measured in the stream's time that must end even when the stream does.
     */
    void awaitStartedUnlessStopped(int count) {
        await(count + " orders started, or the stream stopped")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> started.get() >= count || ticker.isShutdown() || failure.get() != null);
    }

    /** The orders accepted so far. */
    List<Accepted> accepted() {
        return List.copyOf(accepted);
    }

    /** POSTs that failed and were sent again. */
    int failedAttempts() {
        return failedAttempts.get();
    }

    /** POSTs answered as a replay: an earlier attempt had placed the order but its answer was lost. */
    int replays() {
        return replays.get();
    }

    /** Starts no more orders, waits until every started one is accepted, and returns them all. */
    List<Accepted> stop() {
        // Periodic runs end with shutdown; waiting for the one under way means none starts an order later.
        ticker.shutdown();
        try {
            if (!ticker.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the order stream's ticker did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the order stream", e);
        }
        await(pending.get() + " orders accepted")
                .atMost(PLACE_TIMEOUT.plusSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> pending.get() == 0);
        rethrowFailure();
        return accepted();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        clients.shutdownNow();
    }

    private void placeNext() {
        Kind kind = MIX.get(started.getAndIncrement() % MIX.size());
        pending.incrementAndGet();
        clients.execute(() -> {
            try {
                accepted.add(place(kind));
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    private Accepted place(Kind kind) {
        String key = UUID.randomUUID().toString();
        String body = ApiClient.json(Map.of(
                "customerId",
                kind.customer,
                "lines",
                List.of(Map.of("sku", kind.sku, "quantity", kind.quantity, "unitPrice", kind.unitPrice)),
                "currency",
                "EUR",
                "shippingAddress",
                kind.address,
                "email",
                kind.customer + "@example.com"));
        Placed placed = await("order " + key + " accepted")
                .atMost(PLACE_TIMEOUT)
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(RETRY_INTERVAL)
                .until(() -> attempt(kind, key, body), Optional::isPresent)
                .orElseThrow();
        return new Accepted(placed, kind);
    }

    /** One POST: the order if it was accepted, empty if it is worth sending again. */
    private Optional<Placed> attempt(Kind kind, String key, String body) {
        ApiClient.Response response;
        try {
            ApiClient api = apis.get(Math.floorMod(posts.getAndIncrement(), apis.size()));
            response = api.post("/api/orders", body, Map.of("Idempotency-Key", key));
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof IOException) {
                // Refused or reset: the orchestrator is down or went down while answering.
                failedAttempts.incrementAndGet();
                return Optional.empty();
            }
            throw e;
        }
        if (response.status() >= 500 || response.status() == 429) {
            // Down, or too many orders under way (429, Retry-After): a client tries again later.
            failedAttempts.incrementAndGet();
            return Optional.empty();
        }
        if (response.status() != 202) {
            throw new AssertionError(
                    "POST /api/orders under key " + key + " answered " + response.status() + ": " + response.body());
        }
        if ("true".equals(response.header("Idempotent-Replayed"))) {
            replays.incrementAndGet();
        }
        return Optional.of(new Placed(
                UUID.fromString(response.json().get("orderId").asString()),
                UUID.fromString(response.json().get("sagaId").asString()),
                kind.customer,
                Map.of(kind.sku, kind.quantity),
                kind.quantity * kind.unitPrice));
    }

    private void rethrowFailure() {
        Throwable failed = failure.get();
        if (failed != null) {
            throw new AssertionError("an order of the stream could not be placed", failed);
        }
    }
}
