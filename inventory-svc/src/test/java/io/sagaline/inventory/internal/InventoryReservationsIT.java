package io.sagaline.inventory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.messaging.contract.InventoryMessages.InventoryAllocated;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReply;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReservationFailed;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReserved;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.OrderLine;
import io.sagaline.testing.MutableClock;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.ServiceProperties;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The domain services called directly, against the real database. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class InventoryReservationsIT {

    private static final Money PRICE = Money.of(19_99, "EUR");
    private static TestDatabase database;

    @Autowired
    InventoryReservations reservations;

    @Autowired
    ReservationExpiry expiry;

    @Autowired
    Stock stock;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @TestConfiguration
    static class Clocks {
        @Bean
        MutableClock clock() {
            return new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        }
    }

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.postgres().createDatabase(PostgresServer.uniqueName("inventory"));
    }

    @AfterAll
    static void dropDatabase() {
        TestInfrastructure.postgres().dropDatabase(database.name());
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServiceProperties.connect(registry, database);
        registry.add("spring.kafka.listener.auto-startup", () -> "false");
        registry.add("sagaline.messaging.outbox.await-relay", () -> "false");
        registry.add("sagaline.inventory.expiry-interval", () -> "1h");
    }

    @Test
    void fiftyConcurrentReservationsOfTenUnitsReserveEachUnitOnce() throws Exception {
        String sku = sku("TEN");
        stock.addUnits(sku, 10, PRICE);
        List<Callable<InventoryReply>> orders = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            orders.add(() -> reservations.reserve(reserve(UUID.randomUUID(), new OrderLine(sku, 1, PRICE))));
        }

        List<InventoryReply> replies = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(50)) {
            for (Future<InventoryReply> reply : threads.invokeAll(orders)) {
                replies.add(reply.get());
            }
        }

        List<UUID> reservedUnits = replies.stream()
                .filter(InventoryReserved.class::isInstance)
                .flatMap(reply -> ((InventoryReserved) reply).unitIds().stream())
                .toList();
        assertThat(replies).filteredOn(InventoryReserved.class::isInstance).hasSize(10);
        assertThat(replies)
                .filteredOn(InventoryReservationFailed.class::isInstance)
                .hasSize(40);
        assertThat(reservedUnits).hasSize(10).doesNotHaveDuplicates();
        assertThat(jdbc.sql("SELECT count(DISTINCT order_id) FROM unit WHERE sku = ? AND status = 'RESERVED'")
                        .param(sku)
                        .query(Long.class)
                        .single())
                .isEqualTo(10);
        // Stock is conserved: every unit ever added is in exactly one state.
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 0, 10, 0));
        assertThat(jdbc.sql("SELECT count(*) FROM unit WHERE sku = ?")
                        .param(sku)
                        .query(Long.class)
                        .single())
                .isEqualTo(10);
    }

    @Test
    void reservesAllLinesOrNoneWhenTheSecondLineIsShort() {
        String plenty = sku("A");
        String scarce = sku("B");
        stock.addUnits(plenty, 5, PRICE);
        stock.addUnits(scarce, 1, PRICE);
        UUID order = UUID.randomUUID();

        var reply =
                reservations.reserve(reserve(order, new OrderLine(plenty, 2, PRICE), new OrderLine(scarce, 3, PRICE)));

        assertThat(reply)
                .isInstanceOfSatisfying(
                        InventoryReservationFailed.class,
                        failed -> assertThat(failed.reason()).contains(scarce));
        assertThat(stock.counts(plenty)).contains(new SkuCounts(plenty, 5, 0, 0));
        assertThat(stock.counts(scarce)).contains(new SkuCounts(scarce, 1, 0, 0));
        assertThat(reservationStatus(order)).isEmpty();
    }

    @Test
    void reservesTwoLinesTogether() {
        String first = sku("C");
        String second = sku("D");
        stock.addUnits(first, 3, PRICE);
        stock.addUnits(second, 3, PRICE);

        var reply = reservations.reserve(
                reserve(UUID.randomUUID(), new OrderLine(first, 2, PRICE), new OrderLine(second, 1, PRICE)));

        assertThat(reply)
                .isInstanceOfSatisfying(
                        InventoryReserved.class,
                        reserved -> assertThat(reserved.unitIds()).hasSize(3));
        assertThat(stock.counts(first)).contains(new SkuCounts(first, 1, 2, 0));
        assertThat(stock.counts(second)).contains(new SkuCounts(second, 2, 1, 0));
    }

    @Test
    void expiryReturnsTheUnitsOfAReservationPastItsTtl() {
        String sku = sku("EXP");
        stock.addUnits(sku, 3, PRICE);
        UUID order = UUID.randomUUID();
        reservations.reserve(reserve(order, new OrderLine(sku, 2, PRICE)));

        clock.advance(Duration.ofMinutes(59));
        expiry.expireDue();
        assertThat(reservationStatus(order)).contains("ACTIVE");
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 1, 2, 0));

        clock.advance(Duration.ofMinutes(1));
        expiry.expireDue();
        assertThat(reservationStatus(order)).contains("EXPIRED");
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 3, 0, 0));
    }

    @Test
    void allocationAfterExpiryTakesBackItsUnitsWhileTheyAreFree() {
        String sku = sku("LATE");
        stock.addUnits(sku, 2, PRICE);
        UUID order = UUID.randomUUID();
        reservations.reserve(reserve(order, new OrderLine(sku, 2, PRICE)));
        clock.advance(Duration.ofHours(2));
        expiry.expireDue();

        assertThat(reservations.allocate(order)).isEqualTo(new InventoryAllocated(order, 2));

        assertThat(reservationStatus(order)).contains("ALLOCATED");
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 0, 0, 2));
    }

    @Test
    void allocationAfterExpiryAllocatesNothingWhenAnotherOrderTookTheUnits() {
        String sku = sku("GONE");
        stock.addUnits(sku, 1, PRICE);
        UUID late = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        reservations.reserve(reserve(late, new OrderLine(sku, 1, PRICE)));
        clock.advance(Duration.ofHours(2));
        expiry.expireDue();
        assertThat(reservations.reserve(reserve(other, new OrderLine(sku, 1, PRICE))))
                .isInstanceOf(InventoryReserved.class);

        assertThat(reservations.allocate(late)).isEqualTo(new InventoryAllocated(late, 0));

        assertThat(reservationStatus(late)).contains("EXPIRED");
        assertThat(jdbc.sql("SELECT order_id FROM unit WHERE sku = ?")
                        .param(sku)
                        .query(UUID.class)
                        .single())
                .isEqualTo(other);
    }

    @Test
    void expiryLeavesAllocatedReservationsAlone() {
        String sku = sku("SOLD");
        stock.addUnits(sku, 1, PRICE);
        UUID order = UUID.randomUUID();
        reservations.reserve(reserve(order, new OrderLine(sku, 1, PRICE)));
        reservations.allocate(order);

        clock.advance(Duration.ofHours(2));
        expiry.expireDue();

        assertThat(reservationStatus(order)).contains("ALLOCATED");
        assertThat(stock.counts(sku)).contains(new SkuCounts(sku, 0, 0, 1));
    }

    @Test
    void demoSeedStocksOnceHoweverOftenItRuns() {
        var seed = new DemoSeed(stock);

        seed.run(new DefaultApplicationArguments());
        reservations.reserve(reserve(UUID.randomUUID(), new OrderLine("MUG-1", 5, Money.of(9_50, "EUR"))));
        seed.run(new DefaultApplicationArguments());

        assertThat(stock.counts("BOOK-1")).contains(new SkuCounts("BOOK-1", 100, 0, 0));
        assertThat(stock.counts("MUG-1")).contains(new SkuCounts("MUG-1", 45, 5, 0));
        assertThat(stock.counts("LAMP-1")).contains(new SkuCounts("LAMP-1", 0, 0, 0));
        assertThat(jdbc.sql("SELECT price_minor, currency FROM unit WHERE sku = 'BOOK-1' LIMIT 1")
                        .query((row, n) -> Money.of(row.getLong(1), row.getString(2)))
                        .single())
                .isEqualTo(Money.of(19_99, "EUR"));
    }

    private java.util.Optional<String> reservationStatus(UUID order) {
        return jdbc.sql("SELECT status FROM reservation WHERE order_id = ?")
                .param(order)
                .query(String.class)
                .optional();
    }

    private static ReserveInventory reserve(UUID order, OrderLine... lines) {
        return new ReserveInventory(order, List.of(lines));
    }

    private static String sku(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
