package io.sagaline.shipment.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.testing.MutableClock;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.ServiceProperties;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Booking through the command handler (inbox, command log, outbox and all) on a real database,
 * without Kafka in the way: concurrency, slot release and days.
 */
@SpringBootTest(
        properties = {
            "sagaline.messaging.outbox.await-relay=false",
            "sagaline.messaging.topics.create=false",
            "spring.kafka.listener.auto-startup=false"
        })
class ShipmentBookingIT {

    static final Instant START = Instant.parse("2026-03-02T10:00:00Z");
    static TestDatabase database;

    @Autowired
    ShipmentCommandListener listener;

    @Autowired
    Carriers carriers;

    @Autowired
    EnvelopeCodec codec;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.postgres().createDatabase(PostgresServer.uniqueName("shipment"));
    }

    @AfterAll
    static void dropDatabase() {
        TestInfrastructure.postgres().dropDatabase(database.name());
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServiceProperties.connect(registry, database);
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "20");
    }

    @TestConfiguration
    static class Clocks {
        @Bean
        MutableClock testClock() {
            return new MutableClock(START);
        }
    }

    @Test
    void booksExactlyTheCapacityUnderFiftyConcurrentSchedules() throws Exception {
        String region = uniqueRegion();
        UUID carrier = register(region, 10);
        var commands = new Commands(codec);
        List<Envelope> schedules = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            schedules.add(commands.schedule(UUID.randomUUID(), region));
        }

        var start = new CountDownLatch(1);
        List<Callable<Boolean>> tasks = schedules.stream()
                .<Callable<Boolean>>map(command -> () -> {
                    start.await();
                    return listener.handle(command);
                })
                .toList();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            tasks.forEach(task -> results.add(pool.submit(task)));
            start.countDown();
            for (Future<Boolean> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }

        Map<String, Integer> replies = replyTypesOf(schedules);
        assertThat(replies).containsEntry("ShipmentScheduled", 10).containsEntry("ShipmentFailed", 40);
        assertThat(activeShipmentsOf(carrier)).isEqualTo(10);
        assertThat(bookedOn(carrier, today())).isEqualTo(10);
        assertThat(jdbc.sql("SELECT count(DISTINCT tracking_number) FROM shipment WHERE carrier_id = :c")
                        .param("c", carrier)
                        .query(Integer.class)
                        .single())
                .isEqualTo(10);
    }

    @Test
    void cancellingAShipmentFreesItsSlotForTheNextOrder() {
        String region = uniqueRegion();
        UUID carrier = register(region, 1);
        var commands = new Commands(codec);
        Envelope first = commands.schedule(UUID.randomUUID(), region);
        Envelope second = commands.schedule(UUID.randomUUID(), region);
        Envelope third = commands.schedule(UUID.randomUUID(), region);

        listener.handle(first);
        listener.handle(second);
        listener.handle(commands.cancel(first.sagaId().value()));
        listener.handle(third);

        assertThat(replyType(first)).isEqualTo("ShipmentScheduled");
        assertThat(replyType(second)).isEqualTo("ShipmentFailed");
        assertThat(replyType(third)).isEqualTo("ShipmentScheduled");
        assertThat(bookedOn(carrier, today())).isEqualTo(1);
        assertThat(activeShipmentsOf(carrier)).isEqualTo(1);
    }

    @Test
    void aFullCarrierHasItsCapacityAgainTheNextDay() {
        String region = uniqueRegion();
        UUID carrier = register(region, 1);
        var commands = new Commands(codec);
        Envelope today = commands.schedule(UUID.randomUUID(), region);
        Envelope alsoToday = commands.schedule(UUID.randomUUID(), region);
        listener.handle(today);
        listener.handle(alsoToday);
        LocalDate firstDay = today();

        clock.advance(Duration.ofDays(1));
        Envelope tomorrow = commands.schedule(UUID.randomUUID(), region);
        listener.handle(tomorrow);
        // The cancellation frees the slot of the day the shipment was booked on, not today's.
        listener.handle(commands.cancel(today.sagaId().value()));

        assertThat(replyType(alsoToday)).isEqualTo("ShipmentFailed");
        assertThat(replyType(tomorrow)).isEqualTo("ShipmentScheduled");
        assertThat(bookedOn(carrier, firstDay)).isZero();
        assertThat(bookedOn(carrier, today())).isEqualTo(1);
    }

    @Test
    void spreadsBookingsOverTheCarriersOfARegionLeastLoadedFirst() {
        String region = uniqueRegion();
        UUID big = register(region, 100);
        UUID small = register(region, 100);
        var commands = new Commands(codec);
        for (int i = 0; i < 6; i++) {
            listener.handle(commands.schedule(UUID.randomUUID(), region));
        }

        assertThat(bookedOn(big, today())).isEqualTo(3);
        assertThat(bookedOn(small, today())).isEqualTo(3);
    }

    private UUID register(String region, int capacity) {
        return carriers.register("carrier-" + UUID.randomUUID(), List.of(region), capacity)
                .orElseThrow()
                .id();
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static String uniqueRegion() {
        return "region-" + UUID.randomUUID();
    }

    private int activeShipmentsOf(UUID carrier) {
        return jdbc.sql("SELECT count(*) FROM shipment WHERE carrier_id = :c AND status = 'ACTIVE'")
                .param("c", carrier)
                .query(Integer.class)
                .single();
    }

    private int bookedOn(UUID carrier, LocalDate day) {
        return jdbc.sql("SELECT COALESCE(max(booked), 0) FROM carrier_day_load WHERE carrier_id = :c AND day = :d")
                .param("c", carrier)
                .param("d", day)
                .query(Integer.class)
                .single();
    }

    private String replyType(Envelope command) {
        return jdbc.sql("SELECT reply_type FROM command_log WHERE idempotency_key = :key")
                .param("key", command.idempotencyKey())
                .query(String.class)
                .single();
    }

    private Map<String, Integer> replyTypesOf(List<Envelope> commands) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        commands.forEach(command -> counts.merge(replyType(command), 1, Integer::sum));
        return counts;
    }
}
