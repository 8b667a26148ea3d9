package io.sagaline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.e2e.Shop.Placed;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Every outcome of the order saga through the whole system: the happy path, a business failure
 * at each step before and at the pivot, and a mail server that is down for a while. After each
 * test the invariant checker reads every service's database and the mail server.
 */
class OrderOutcomesIT {

    private static final Duration SAGA_TIMEOUT = Duration.ofSeconds(90);

    private static Sagaline system;
    private static Shop shop;
    private static Invariants invariants;
    private static final List<Placed> placed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        system = Sagaline.start("outcomes");
        shop = new Shop(system);
        invariants = Invariants.of(system);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @AfterEach
    void everyServiceAgreesWithEverySaga() {
        shop.awaitAllFinal(placed, SAGA_TIMEOUT);
        assertThat(invariants.violations(placed)).isEmpty();
    }

    @Test
    void approvesAnOrderThatEveryServiceAccepts() {
        Placed order = place(shop.place("alice", "BOOK-1", 2, 1999, Shop.NORTH));

        JsonNode saga = shop.awaitFinal(order, SAGA_TIMEOUT);

        assertThat(saga.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(shop.order(order).get("status").asString()).isEqualTo("APPROVED");
        assertThat(Shop.compensations(saga)).isEmpty();
        // Checked in detail by the invariants: captured 3998 once, 2 units allocated, shipment
        // active, exactly one mail.
    }

    @Test
    void rejectsAnOrderThePaymentDeclinesAndUndoesWhatRanBesideIt() {
        Placed order = place(shop.place("bob", "BOOK-1", 1, 1999, Shop.NORTH));

        JsonNode saga = shop.awaitFinal(order, SAGA_TIMEOUT);

        assertThat(saga.get("status").asString()).isEqualTo("COMPENSATED");
        // Reserving and booking ran beside the declined authorization (order saga v2).
        assertThat(Shop.compensations(saga)).containsExactly("CancelShipment", "ReleaseInventory");
        assertRejected(order, "authorize payment failed");
    }

    @Test
    void voidsThePaymentAndCancelsTheShipmentWhenTheStockIsShort() {
        Placed order = place(shop.place("alice", "LAMP-1", 1, 4500, Shop.NORTH));

        JsonNode saga = shop.awaitFinal(order, SAGA_TIMEOUT);

        assertThat(Shop.compensations(saga)).containsExactly("CancelShipment", "VoidAuthorization");
        assertRejected(order, "reserve inventory failed");
    }

    @Test
    void runsVersionOneStepByStepWhenAnOperatorRollsBackToIt() {
        system.startNewOrdersOn(1);
        try {
            Placed approved = place(shop.place("alice", "BOOK-1", 1, 1999, Shop.NORTH));
            Placed declined = place(shop.place("bob", "BOOK-1", 1, 1999, Shop.NORTH));

            JsonNode saga = shop.awaitFinal(approved, SAGA_TIMEOUT);
            assertThat(saga.get("definitionVersion").asInt()).isEqualTo(1);
            assertThat(saga.get("status").asString()).isEqualTo("COMPLETED");
            assertThat(saga.get("steps")
                            .valueStream()
                            .map(step -> step.get("name").asString()))
                    .containsExactly(
                            "authorize payment",
                            "reserve inventory",
                            "schedule shipment",
                            "capture payment",
                            "allocate inventory",
                            "send order confirmation");
            assertThat(saga.get("steps").valueStream()).noneMatch(step -> step.hasNonNull("group"));
            JsonNode rejected = shop.awaitFinal(declined, SAGA_TIMEOUT);
            assertThat(Shop.compensations(rejected))
                    .as("on v1 nothing ran beside the authorization")
                    .isEmpty();
        } finally {
            system.startNewOrdersOn(2);
        }
    }

    @Test
    void releasesTheUnitsThenVoidsThePaymentWhenNoCarrierShips() {
        Placed order = place(shop.place("alice", "MUG-1", 3, 950, Shop.SOUTH));

        JsonNode saga = shop.awaitFinal(order, SAGA_TIMEOUT);

        assertThat(Shop.compensations(saga)).containsExactly("ReleaseInventory", "VoidAuthorization");
        assertRejected(order, "schedule shipment failed");
    }

    @Test
    void undoesShipmentUnitsAndPaymentWhenTheCaptureFails() {
        // The hold expires while shipping is slow: shipment-svc is down, and the hold's expiry is
        // moved into the past, as time would, before the capture arrives.
        system.stop(Service.SHIPMENT);
        Placed order = place(shop.place("alice", "BOOK-1", 1, 1999, Shop.NORTH));
        JdbcClient payment = JdbcClient.create(system.dataSource(Service.PAYMENT));
        await().atMost(SAGA_TIMEOUT)
                .until(() -> payment.sql("SELECT count(*) FROM hold WHERE order_id = :id AND status = 'ACTIVE'")
                                .param("id", order.orderId())
                                .query(Long.class)
                                .single()
                        == 1);
        payment.sql("UPDATE hold SET expires_at = now() - interval '1 second' WHERE order_id = :id")
                .param("id", order.orderId())
                .update();
        system.restart(Service.SHIPMENT);

        JsonNode saga = shop.awaitFinal(order, SAGA_TIMEOUT);

        assertThat(Shop.compensations(saga)).containsExactly("CancelShipment", "ReleaseInventory", "VoidAuthorization");
        assertRejected(order, "capture payment failed");
    }

    @Test
    void approvesAtOnceAndMailsOnceWhenTheMailServerComesBack() {
        system.stopMail();
        Placed order;
        try {
            order = place(shop.place("alice", "MUG-1", 1, 950, Shop.NORTH));
            await().atMost(SAGA_TIMEOUT)
                    .until(() -> shop.saga(order)
                            .get("timeline")
                            .valueStream()
                            .anyMatch(entry -> entry.get("entry").asString().equals("RETRY_SCHEDULED")));
            assertThat(shop.order(order).get("status").asString()).isEqualTo("APPROVED");
            assertThat(shop.saga(order).get("status").asString()).isEqualTo("RUNNING");
        } finally {
            system.startMail();
        }

        JsonNode saga = shop.awaitFinal(order, SAGA_TIMEOUT);

        assertThat(saga.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(shop.order(order).get("status").asString()).isEqualTo("APPROVED");
        // One mail only: the invariants count the mails of this order across the server's restart.
    }

    private static Placed place(Placed order) {
        placed.add(order);
        return order;
    }

    private static void assertRejected(Placed order, String reason) {
        JsonNode found = shop.order(order);
        assertThat(found.get("status").asString()).isEqualTo("REJECTED");
        assertThat(found.get("reason").asString()).contains(reason);
    }
}
