package io.sagaline.payment.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Holds, the charges they turn into, and the orders voided before they had a hold. */
@Repository
class HoldRepository {

    private static final String HOLD_COLUMNS = """
            SELECT authorization_id, order_id, customer_id, amount, currency, status, expires_at FROM hold
            """;
    private static final String INSERT_HOLD = """
            INSERT INTO hold (authorization_id, order_id, customer_id, amount, currency, status, expires_at,
                              created_at, updated_at)
            VALUES (:authorizationId, :orderId, :customerId, :amount, :currency, 'ACTIVE', :expiresAt, :now, :now)
            """;
    private static final String LOCK_HOLD = HOLD_COLUMNS + " WHERE order_id = :orderId FOR UPDATE";
    private static final String HOLDS_OF = HOLD_COLUMNS + " WHERE customer_id = :customerId ORDER BY created_at";
    private static final String CHANGE_STATUS = """
            UPDATE hold SET status = :to, updated_at = :now WHERE order_id = :orderId AND status = :from
            """;
    // The expiry is part of the guard: a hold that expires between read and write is not captured.
    private static final String CAPTURE = """
            UPDATE hold SET status = 'CAPTURED', updated_at = :now
            WHERE order_id = :orderId AND status = 'ACTIVE' AND expires_at > :now
            """;
    private static final String EXPIRE_DUE = """
            UPDATE hold SET status = 'EXPIRED', updated_at = :now
            WHERE authorization_id IN (SELECT authorization_id FROM hold
                                       WHERE status = 'ACTIVE' AND expires_at <= :now
                                       ORDER BY expires_at LIMIT :limit
                                       FOR UPDATE SKIP LOCKED)
            """;
    // The primary key on order_id makes a second charge of one order impossible.
    private static final String INSERT_CHARGE = """
            INSERT INTO charge (order_id, authorization_id, customer_id, amount, currency, status, captured_at)
            VALUES (:orderId, :authorizationId, :customerId, :amount, :currency, 'CHARGED', :now)
            ON CONFLICT (order_id) DO NOTHING
            """;
    private static final String LOCK_CHARGE = """
            SELECT order_id, customer_id, amount, currency, status FROM charge WHERE order_id = :orderId FOR UPDATE
            """;
    private static final String REFUND = """
            UPDATE charge SET status = 'REFUNDED', refunded_at = :now, refund_reason = :reason
            WHERE order_id = :orderId AND status = 'CHARGED'
            """;
    private static final String RECORD_VOIDED_ORDER = """
            INSERT INTO voided_order (order_id, voided_at) VALUES (:orderId, :now)
            ON CONFLICT (order_id) DO NOTHING
            """;
    private static final String IS_VOIDED_ORDER =
            "SELECT EXISTS (SELECT 1 FROM voided_order WHERE order_id = :orderId)";

    private final JdbcClient jdbc;

    HoldRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Hold hold, Instant now) {
        jdbc.sql(INSERT_HOLD)
                .param("authorizationId", hold.authorizationId())
                .param("orderId", hold.orderId())
                .param("customerId", hold.customerId())
                .param("amount", hold.amount())
                .param("currency", hold.currency())
                .param("expiresAt", Timestamp.from(hold.expiresAt()))
                .param("now", Timestamp.from(now))
                .update();
    }

    /** Finds and locks the order's hold until the transaction ends. */
    Optional<Hold> lock(UUID orderId) {
        return jdbc.sql(LOCK_HOLD)
                .param("orderId", orderId)
                .query(HoldRepository::hold)
                .optional();
    }

    List<Hold> holdsOf(String customerId) {
        return jdbc.sql(HOLDS_OF)
                .param("customerId", customerId)
                .query(HoldRepository::hold)
                .list();
    }

    boolean changeStatus(UUID orderId, Hold.Status from, Hold.Status to, Instant now) {
        return jdbc.sql(CHANGE_STATUS)
                        .param("orderId", orderId)
                        .param("from", from.name())
                        .param("to", to.name())
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    /** @return false unless the hold was ACTIVE and unexpired at {@code now} */
    boolean capture(Hold hold, Instant now) {
        if (jdbc.sql(CAPTURE)
                        .param("orderId", hold.orderId())
                        .param("now", Timestamp.from(now))
                        .update()
                != 1) {
            return false;
        }
        return jdbc.sql(INSERT_CHARGE)
                        .param("orderId", hold.orderId())
                        .param("authorizationId", hold.authorizationId())
                        .param("customerId", hold.customerId())
                        .param("amount", hold.amount())
                        .param("currency", hold.currency())
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    /** Marks at most {@code limit} holds past their expiry EXPIRED, skipping rows others hold. */
    int expireDue(Instant now, int limit) {
        return jdbc.sql(EXPIRE_DUE)
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .update();
    }

    /** Finds and locks the order's charge until the transaction ends. */
    Optional<Charge> lockCharge(UUID orderId) {
        return jdbc.sql(LOCK_CHARGE)
                .param("orderId", orderId)
                .query((rows, n) -> new Charge(
                        rows.getObject("order_id", UUID.class),
                        rows.getString("customer_id"),
                        rows.getLong("amount"),
                        rows.getString("currency"),
                        Charge.Status.valueOf(rows.getString("status"))))
                .optional();
    }

    boolean refund(UUID orderId, String reason, Instant now) {
        return jdbc.sql(REFUND)
                        .param("orderId", orderId)
                        .param("reason", reason)
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    /** @return false if the order was recorded as voided already (which is left as it is) */
    boolean recordVoidedOrder(UUID orderId, Instant now) {
        return jdbc.sql(RECORD_VOIDED_ORDER)
                        .param("orderId", orderId)
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    /** Whether the order was voided before it had a hold. */
    boolean isVoidedOrder(UUID orderId) {
        return jdbc.sql(IS_VOIDED_ORDER)
                .param("orderId", orderId)
                .query(Boolean.class)
                .single();
    }

    private static Hold hold(ResultSet rows, int n) throws SQLException {
        return new Hold(
                rows.getObject("authorization_id", UUID.class),
                rows.getObject("order_id", UUID.class),
                rows.getString("customer_id"),
                rows.getLong("amount"),
                rows.getString("currency"),
                Hold.Status.valueOf(rows.getString("status")),
                rows.getObject("expires_at", OffsetDateTime.class).toInstant());
    }
}
