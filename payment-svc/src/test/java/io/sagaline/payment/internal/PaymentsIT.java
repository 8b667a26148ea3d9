package io.sagaline.payment.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentAuthorized;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptureFailed;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptured;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.messaging.contract.PaymentMessages.PaymentReply;
import io.sagaline.payment.PaymentApplication;
import io.sagaline.testing.MutableClock;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.TestDatabase;
import io.sagaline.testing.TestInfrastructure;
import java.time.Duration;
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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The payment rules called directly, on the service's real database: concurrency and expiry. */
@SpringBootTest(classes = PaymentApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Import(TestSetup.Clocks.class)
class PaymentsIT {

    private static final String TOPIC = "payments-it-" + UUID.randomUUID();
    private static TestDatabase database;

    @Autowired
    Payments payments;

    @Autowired
    Accounts accounts;

    @Autowired
    HoldExpiry expiry;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.postgres().createDatabase(PostgresServer.uniqueName("payments_it"));
    }

    @AfterAll
    static void dropDatabase() {
        TestInfrastructure.postgres().dropDatabase(database.name());
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestSetup.register(registry, database, TOPIC, TOPIC + ".replies");
        // Nothing here is published, so no relay runs for this test.
        registry.add("sagaline.messaging.outbox.await-relay", () -> "false");
    }

    @Test
    void fiftyConcurrentAuthorizationsNeverExceedTheLimit() throws Exception {
        String customer = open(1_000);
        List<Callable<PaymentReply>> authorizations = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            authorizations.add(() -> payments.authorize(authorize(customer, 100)));
        }

        List<PaymentReply> replies = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(50)) {
            for (Future<PaymentReply> reply : threads.invokeAll(authorizations)) {
                replies.add(reply.get());
            }
        }

        assertThat(replies).filteredOn(PaymentAuthorized.class::isInstance).hasSize(10);
        assertThat(replies).filteredOn(PaymentDeclined.class::isInstance).hasSize(40);
        AccountView account = accounts.view(customer);
        assertThat(account.held()).isEqualTo(1_000);
        assertThat(account.available()).isZero();
        assertThat(account.holds()).hasSize(10);
    }

    @Test
    void captureAfterTheHoldExpiredFailsAndChargesNothing() {
        String customer = open(1_000);
        AuthorizePayment authorize = authorize(customer, 400);
        var authorized = (PaymentAuthorized) payments.authorize(authorize);

        clock.advance(Duration.between(clock.instant(), authorized.expiresAt()));
        PaymentReply reply = payments.capture(new CapturePayment(authorize.orderId(), authorize.amount()));

        assertThat(reply)
                .isInstanceOfSatisfying(
                        PaymentCaptureFailed.class,
                        failed -> assertThat(failed.reason()).contains("expired"));
        assertThat(charges(authorize.orderId())).isZero();
        assertThat(accounts.view(customer).charged()).isZero();
    }

    @Test
    void anExpiredHoldFreesItsCreditAndTheSweepMarksItExpired() {
        String customer = open(1_000);
        AuthorizePayment first = authorize(customer, 1_000);
        assertThat(payments.authorize(first)).isInstanceOf(PaymentAuthorized.class);
        assertThat(payments.authorize(authorize(customer, 1))).isInstanceOf(PaymentDeclined.class);

        clock.advance(Duration.ofHours(2));

        assertThat(accounts.view(customer).available()).isEqualTo(1_000);
        assertThat(payments.authorize(authorize(customer, 1_000))).isInstanceOf(PaymentAuthorized.class);
        assertThat(expiry.expireAll()).isPositive();
        assertThat(holdStatus(first.orderId())).isEqualTo("EXPIRED");
        assertThat(accounts.view(customer).held()).isEqualTo(1_000);
    }

    @Test
    void concurrentCapturesOfOneOrderChargeItOnce() throws Exception {
        String customer = open(1_000);
        AuthorizePayment authorize = authorize(customer, 700);
        payments.authorize(authorize);
        List<Callable<PaymentReply>> captures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            captures.add(() -> payments.capture(new CapturePayment(authorize.orderId(), authorize.amount())));
        }

        List<PaymentReply> replies = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(10)) {
            for (Future<PaymentReply> reply : threads.invokeAll(captures)) {
                replies.add(reply.get());
            }
        }

        assertThat(replies).containsOnly(new PaymentCaptured(authorize.orderId(), authorize.amount()));
        assertThat(charges(authorize.orderId())).isOne();
        AccountView account = accounts.view(customer);
        assertThat(account.charged()).isEqualTo(700);
        assertThat(account.held()).isZero();
        assertThat(account.available()).isEqualTo(300);
    }

    @Test
    void demoSeedOpensItsCustomersOnceHoweverOftenItRuns() {
        var seed = new DemoAccounts(accounts);

        seed.run(null);
        seed.run(null);

        assertThat(accounts.view("alice").creditLimit()).isEqualTo(100_000_000L);
        assertThat(accounts.view("bob").available()).isZero();
        assertThat(accounts.view("carol").status()).isEqualTo(Account.Status.FROZEN);
        assertThat(jdbc.sql("SELECT count(*) FROM account WHERE customer_id IN ('alice', 'bob', 'carol')")
                        .query(Long.class)
                        .single())
                .isEqualTo(3);
    }

    private String open(long limit) {
        String customer = "customer-" + UUID.randomUUID();
        accounts.openIfAbsent(new Account(customer, "EUR", limit, Account.Status.ACTIVE));
        return customer;
    }

    private static AuthorizePayment authorize(String customer, long amount) {
        return new AuthorizePayment(UUID.randomUUID(), customer, Money.of(amount, "EUR"));
    }

    private long charges(UUID orderId) {
        return jdbc.sql("SELECT count(*) FROM charge WHERE order_id = :orderId")
                .param("orderId", orderId)
                .query(Long.class)
                .single();
    }

    private String holdStatus(UUID orderId) {
        return jdbc.sql("SELECT status FROM hold WHERE order_id = :orderId")
                .param("orderId", orderId)
                .query(String.class)
                .single();
    }
}
