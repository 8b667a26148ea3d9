package io.sagaline.payment.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class AccountRepository {

    private static final String INSERT = """
            INSERT INTO account (customer_id, currency, credit_limit, status, created_at)
            VALUES (:customerId, :currency, :creditLimit, :status, :createdAt)
            ON CONFLICT (customer_id) DO NOTHING
            """;
    private static final String FIND = """
            SELECT customer_id, currency, credit_limit, status FROM account WHERE customer_id = :customerId
            """;
    // Every authorization of one account queues here, so two of them never both see the same credit.
    private static final String LOCK = FIND + " FOR UPDATE";
    private static final String CHANGE_STATUS = """
            UPDATE account SET status = :to WHERE customer_id = :customerId AND status = :from
            """;
    private static final String EXPOSURE = """
            SELECT (SELECT coalesce(sum(amount), 0) FROM hold
                    WHERE customer_id = :customerId AND status = 'ACTIVE' AND expires_at > :now) AS held,
                   (SELECT coalesce(sum(amount), 0) FROM charge
                    WHERE customer_id = :customerId AND status = 'CHARGED') AS charged
            """;

    private final JdbcClient jdbc;

    AccountRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @return false if the customer already has an account (which is left as it is) */
    boolean insert(Account account, Instant now) {
        return jdbc.sql(INSERT)
                        .param("customerId", account.customerId())
                        .param("currency", account.currency())
                        .param("creditLimit", account.creditLimit())
                        .param("status", account.status().name())
                        .param("createdAt", Timestamp.from(now))
                        .update()
                == 1;
    }

    Optional<Account> find(String customerId) {
        return jdbc.sql(FIND)
                .param("customerId", customerId)
                .query(AccountRepository::account)
                .optional();
    }

    /** Finds and locks the account until the transaction ends. */
    Optional<Account> lock(String customerId) {
        return jdbc.sql(LOCK)
                .param("customerId", customerId)
                .query(AccountRepository::account)
                .optional();
    }

    boolean changeStatus(String customerId, Account.Status from, Account.Status to) {
        return jdbc.sql(CHANGE_STATUS)
                        .param("customerId", customerId)
                        .param("from", from.name())
                        .param("to", to.name())
                        .update()
                == 1;
    }

    /** What counts against the account's credit at {@code now}: unexpired active holds and unrefunded charges. */
    Exposure exposure(String customerId, Instant now) {
        return jdbc.sql(EXPOSURE)
                .param("customerId", customerId)
                .param("now", Timestamp.from(now))
                .query((rows, n) -> new Exposure(rows.getLong("held"), rows.getLong("charged")))
                .single();
    }

    private static Account account(ResultSet rows, int n) throws SQLException {
        return new Account(
                rows.getString("customer_id"),
                rows.getString("currency"),
                rows.getLong("credit_limit"),
                Account.Status.valueOf(rows.getString("status")));
    }

    record Exposure(long held, long charged) {

        long availableOf(Account account) {
            return account.creditLimit() - held - charged;
        }
    }
}
