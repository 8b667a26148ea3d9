package io.sagaline.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenLoopTest {

    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
    private final Workload workload = new Workload("t", 10, 10, 0, 2, 0.0, 10, 100);

    @AfterEach
    void stop() {
        clock.shutdownNow();
    }

    @Test
    void sendsAtTheOfferedRateAndTimesEachOrderFromItsDueTime() {
        var target = new DelayedTarget(clock, Duration.ofMillis(20), Duration.ZERO);

        PhaseResult result = loop(target).run("test", 200, Duration.ofMillis(500), Duration.ofSeconds(2), window());

        assertThat(target.placed.get()).isBetween(495, 505);
        assertThat(result.count(Outcome.Kind.COMPLETED)).isBetween(395L, 405L);
        assertThat(result.endedPerSecond()).isBetween(190.0, 210.0);
        assertThat(result.percentileMillis(50)).isBetween(19.0, 60.0);
        assertThat(result.unfinished()).isZero();
    }

    @Test
    void aStalledSystemCannotHideLatencyBehindFewerRequests() {
        // nothing ends during the first second: an open loop keeps sending, and the orders due
        // early in the stall count the whole wait
        var target = new DelayedTarget(clock, Duration.ofMillis(5), Duration.ofSeconds(1));

        PhaseResult result = loop(target).run("test", 100, Duration.ZERO, Duration.ofSeconds(2), window());

        assertThat(target.placed.get()).isBetween(195, 205);
        assertThat(result.maxMillis()).isBetween(950.0, 1_200.0);
        // half the orders were due during the stall and waited for its end: 0 to 1,000 ms
        assertThat(result.percentileMillis(75)).isBetween(350.0, 650.0);
        assertThat(result.percentileMillis(40)).isLessThan(50.0);
    }

    @Test
    void ordersStillUnderWayAfterTheDrainLimitAreUnfinishedNotFast() {
        var target = new DelayedTarget(clock, Duration.ofMinutes(10), Duration.ZERO);

        PhaseResult result = new OpenLoop(target, workload, new Progress(), 1_000, Duration.ofMillis(300))
                .run("test", 50, Duration.ZERO, Duration.ofSeconds(1), window());

        assertThat(result.unfinished()).isBetween(48, 52);
        assertThat(result.percentileMillis(1)).isGreaterThanOrEqualTo(290.0);
        assertThat(result.sustained(Duration.ofSeconds(10))).isFalse();
    }

    @Test
    void refusedOrdersAreCountedApartFromEndedOrdersErrorsAndLatencies() {
        var target = new DelayedTarget(clock, Duration.ofMillis(200), Duration.ZERO) {
            private final AtomicInteger offered = new AtomicInteger();

            @Override
            public CompletableFuture<Outcome> place(Workload.Order order) {
                // every other order is refused at once, as a 429 is answered
                return offered.incrementAndGet() % 2 == 0
                        ? CompletableFuture.completedFuture(Outcome.refused("HTTP 429"))
                        : super.place(order);
            }
        };

        PhaseResult result = loop(target).run("test", 100, Duration.ZERO, Duration.ofSeconds(2), window());

        assertThat(result.count(Outcome.Kind.REFUSED)).isBetween(95L, 105L);
        assertThat(result.count(Outcome.Kind.COMPLETED)).isBetween(95L, 105L);
        assertThat(result.errorCount()).isZero();
        assertThat(result.latencyMicros().getTotalCount()).isEqualTo(result.count(Outcome.Kind.COMPLETED));
        assertThat(result.percentileMillis(1)).isGreaterThanOrEqualTo(190.0);
        assertThat(result.endedPerSecond()).isBetween(40.0, 52.0);
        assertThat(result.keptUp()).isFalse();
    }

    private OpenLoop loop(Target target) {
        return new OpenLoop(target, workload, new Progress(), 10_000, Duration.ofSeconds(10));
    }

    private static OpenLoop.Window window() {
        return new OpenLoop.Window() {};
    }

    /** Ends every order after a fixed service time; nothing ends before the stall is over. */
    private static class DelayedTarget implements Target {

        final AtomicInteger placed = new AtomicInteger();
        private final ScheduledExecutorService clock;
        private final long serviceMicros;
        private final long stallUntilNanos;

        DelayedTarget(ScheduledExecutorService clock, Duration service, Duration stall) {
            this.clock = clock;
            this.serviceMicros = service.toNanos() / 1_000;
            this.stallUntilNanos = System.nanoTime() + stall.toNanos();
        }

        @Override
        public String name() {
            return "delayed";
        }

        @Override
        public Workload.Endpoints seeding() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> databases() {
            return List.of();
        }

        @Override
        public CompletableFuture<Outcome> place(Workload.Order order) {
            placed.incrementAndGet();
            var done = new CompletableFuture<Outcome>();
            long delay = Math.max(serviceMicros, (stallUntilNanos - System.nanoTime()) / 1_000);
            clock.schedule(
                    () -> done.complete(new Outcome(Outcome.Kind.COMPLETED, Outcome.nowMicros(), "ok")),
                    delay,
                    TimeUnit.MICROSECONDS);
            return done;
        }

        @Override
        public void close() {}
    }

    @Test
    void workloadRefusesTheConfiguredShareHalfAtPaymentHalfAtInventory() {
        var refusing = new Workload("r", 10, 10, 0, 2, 0.2, 10, 100);
        int refused = 0;
        int declined = 0;
        for (int i = 0; i < 10_000; i++) {
            var order = refusing.next();
            if (order.expectRefusal()) {
                refused++;
                if (order.body().get("customerId").equals("r-declined")) {
                    declined++;
                }
            }
        }
        assertThat(refused).isBetween(1_800, 2_200);
        assertThat(declined).isBetween(refused * 4 / 10, refused * 6 / 10);
        assertThat(new Workload("h", 10, 100, 3, 2, 0.0, 10, 100).next().body())
                .extractingByKey("lines")
                .asString()
                .containsPattern("h-sku[012]\\b");
    }
}
