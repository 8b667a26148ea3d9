package io.sagaline.twopc.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Accounts and charges in the payment database, on whatever transaction {@code jdbc} uses. */
final class PaymentRepository {

    private static final String INSERT_ACCOUNT = """
            INSERT INTO account (customer_id, currency, credit_limit, status, created_at)
            VALUES (:customerId, :currency, :creditLimit, 'ACTIVE', :now)
            ON CONFLICT (customer_id) DO NOTHING
            """;
    private static final String FIND = """
            SELECT customer_id, currency, credit_limit, status FROM account WHERE customer_id = :customerId
            """;
    // As in payment-svc: every charge of one account queues on its row, so two never see the same
    // credit. Here the lock lasts until the global transaction's second phase.
    private static final String LOCK = FIND + " FOR UPDATE";
    private static final String EXPOSURE = """
            SELECT coalesce(sum(amount), 0) FROM charge WHERE customer_id = :customerId
            """;
    private static final String INSERT_CHARGE = """
            INSERT INTO charge (order_id, customer_id, amount, currency, captured_at)
            VALUES (:orderId, :customerId, :amount, :currency, :now)
            """;

    private final JdbcClient jdbc;

    PaymentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @return false if the customer has an account already (left as it is) */
    boolean insertAccount(Account account, Instant now) {
        return jdbc.sql(INSERT_ACCOUNT)
                        .param("customerId", account.customerId())
                        .param("currency", account.currency())
                        .param("creditLimit", account.creditLimit())
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    Optional<Account> find(String customerId) {
        return query(FIND, customerId);
    }

    /** Finds the account and locks it until the transaction ends. */
    Optional<Account> lock(String customerId) {
        return query(LOCK, customerId);
    }

    /** What the customer's charges take from the credit limit. */
    long exposure(String customerId) {
        return jdbc.sql(EXPOSURE)
                .param("customerId", customerId)
                .query(Long.class)
                .single();
    }

    void insertCharge(UUID orderId, String customerId, long amount, String currency, Instant now) {
        jdbc.sql(INSERT_CHARGE)
                .param("orderId", orderId)
                .param("customerId", customerId)
                .param("amount", amount)
                .param("currency", currency)
                .param("now", Timestamp.from(now))
                .update();
    }

    private Optional<Account> query(String sql, String customerId) {
        return jdbc.sql(sql)
                .param("customerId", customerId)
                .query((rows, n) -> new Account(
                        rows.getString("customer_id"),
                        rows.getString("currency"),
                        rows.getLong("credit_limit"),
                        Account.Status.valueOf(rows.getString("status"))))
                .optional();
    }

    /** A customer's account, as {@code POST /api/accounts} answers it. */
    record Account(String customerId, String currency, long creditLimit, Status status) {

        enum Status {
            ACTIVE,
            FROZEN
        }
    }
}
