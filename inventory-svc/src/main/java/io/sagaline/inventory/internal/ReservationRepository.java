package io.sagaline.inventory.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reservations, one per order, and the units each took. Joins the caller's transaction. */
@Repository
class ReservationRepository {

    private static final String LOCK = "SELECT status FROM reservation WHERE order_id = :orderId FOR UPDATE";
    private static final String INSERT = """
            INSERT INTO reservation (order_id, status, created_at, expires_at, updated_at)
            VALUES (:orderId, :status, :now, :expiresAt, :now)
            ON CONFLICT (order_id) DO NOTHING
            """;
    private static final String RECORD_UNITS = """
            INSERT INTO reservation_unit (order_id, unit_id)
            SELECT :orderId, id FROM unit WHERE order_id = :orderId AND status = 'RESERVED'
            """;
    private static final String UNIT_IDS = """
            SELECT unit_id FROM reservation_unit WHERE order_id = :orderId ORDER BY unit_id
            """;
    private static final String TRANSITION = """
            UPDATE reservation SET status = :to, updated_at = :now
            WHERE order_id = :orderId AND status = :from
            """;
    // SKIP LOCKED: several instances run the job; each takes reservations the others do not hold.
    private static final String CLAIM_DUE = """
            SELECT order_id FROM reservation WHERE status = 'ACTIVE' AND expires_at <= :now
            ORDER BY expires_at LIMIT :limit FOR UPDATE SKIP LOCKED
            """;
    private static final String EXPIRE = """
            UPDATE reservation SET status = 'EXPIRED', updated_at = :now
            WHERE order_id IN (:orderIds) AND status = 'ACTIVE'
            """;

    private final JdbcClient jdbc;

    ReservationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The order's reservation status, locked until the transaction ends; empty if none. */
    Optional<ReservationStatus> lock(UUID orderId) {
        return jdbc.sql(LOCK)
                .param("orderId", orderId)
                .query((row, n) -> ReservationStatus.valueOf(row.getString("status")))
                .optional();
    }

    /** @return false if the order already has a reservation */
    boolean insert(UUID orderId, ReservationStatus status, Instant now, Instant expiresAt) {
        return jdbc.sql(INSERT)
                        .param("orderId", orderId)
                        .param("status", status.name())
                        .param("now", Timestamp.from(now))
                        .param("expiresAt", Timestamp.from(expiresAt))
                        .update()
                == 1;
    }

    void recordReservedUnits(UUID orderId) {
        jdbc.sql(RECORD_UNITS).param("orderId", orderId).update();
    }

    List<UUID> unitIds(UUID orderId) {
        return jdbc.sql(UNIT_IDS).param("orderId", orderId).query(UUID.class).list();
    }

    /** Moves the reservation from {@code from} to {@code to}; fails unless exactly it moved. */
    void transition(UUID orderId, ReservationStatus from, ReservationStatus to, Instant now) {
        int moved = jdbc.sql(TRANSITION)
                .param("orderId", orderId)
                .param("from", from.name())
                .param("to", to.name())
                .param("now", Timestamp.from(now))
                .update();
        if (moved != 1) {
            throw new IllegalStateException(
                    "reservation of order " + orderId + " was not " + from + " when moving it to " + to);
        }
    }

    List<UUID> claimDue(Instant now, int limit) {
        return jdbc.sql(CLAIM_DUE)
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query(UUID.class)
                .list();
    }

    int expire(Collection<UUID> orderIds, Instant now) {
        return jdbc.sql(EXPIRE)
                .param("orderIds", orderIds)
                .param("now", Timestamp.from(now))
                .update();
    }
}
