package io.sagaline.shipment.internal;

import io.sagaline.messaging.contract.Address;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class ShipmentRepository {

    private static final String COLUMNS = """
            s.id, s.order_id, s.carrier_id, c.name AS carrier, s.tracking_number, s.status, s.region,
            s.booked_day, s.created_at
            """;
    private static final String FIND_BY_ORDER =
            "SELECT " + COLUMNS + " FROM shipment s JOIN carrier c ON c.id = s.carrier_id WHERE s.order_id = :order";
    private static final String INSERT = """
            INSERT INTO shipment (id, order_id, carrier_id, tracking_number, status, units,
                                  country, region, city, line1, postal_code, booked_day, created_at)
            VALUES (:id, :order, :carrier, :tracking, 'ACTIVE', :units,
                    :country, :region, :city, :line1, :postalCode, :day, :createdAt)
            """;
    // Only an ACTIVE shipment is cancelled, so a second cancellation frees no second slot.
    private static final String CANCEL_ACTIVE = """
            UPDATE shipment SET status = 'CANCELLED', cancelled_at = :at
            WHERE order_id = :order AND status = 'ACTIVE'
            RETURNING carrier_id, booked_day
            """;
    private static final String EXISTS_FOR_ORDER = "SELECT EXISTS (SELECT 1 FROM shipment WHERE order_id = :order)";
    private static final String RECORD_CANCELLED_ORDER = """
            INSERT INTO cancelled_order (order_id, cancelled_at) VALUES (:order, :at)
            ON CONFLICT DO NOTHING
            """;
    private static final String IS_CANCELLED_ORDER =
            "SELECT EXISTS (SELECT 1 FROM cancelled_order WHERE order_id = :order)";

    private final JdbcClient jdbc;

    ShipmentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Shipment> findByOrder(UUID orderId) {
        return jdbc.sql(FIND_BY_ORDER)
                .param("order", orderId)
                .query(ShipmentRepository::shipment)
                .optional();
    }

    void insert(Shipment shipment, int units, Address destination) {
        jdbc.sql(INSERT)
                .param("id", shipment.id())
                .param("order", shipment.orderId())
                .param("carrier", shipment.carrierId())
                .param("tracking", shipment.trackingNumber())
                .param("units", units)
                .param("country", destination.country())
                .param("region", destination.region())
                .param("city", destination.city())
                .param("line1", destination.line1())
                .param("postalCode", destination.postalCode())
                .param("day", shipment.bookedDay())
                .param("createdAt", Timestamp.from(shipment.createdAt()))
                .update();
    }

    /** Cancels the order's ACTIVE shipment; the slot it held, or empty if there was none. */
    Optional<BookedSlot> cancelActive(UUID orderId, Instant at) {
        return jdbc.sql(CANCEL_ACTIVE)
                .param("order", orderId)
                .param("at", Timestamp.from(at))
                .query((rows, n) -> new BookedSlot(
                        rows.getObject("carrier_id", UUID.class), rows.getObject("booked_day", LocalDate.class)))
                .optional();
    }

    boolean existsForOrder(UUID orderId) {
        return jdbc.sql(EXISTS_FOR_ORDER)
                .param("order", orderId)
                .query(Boolean.class)
                .single();
    }

    void recordCancelledOrder(UUID orderId, Instant at) {
        jdbc.sql(RECORD_CANCELLED_ORDER)
                .param("order", orderId)
                .param("at", Timestamp.from(at))
                .update();
    }

    boolean isCancelledOrder(UUID orderId) {
        return jdbc.sql(IS_CANCELLED_ORDER)
                .param("order", orderId)
                .query(Boolean.class)
                .single();
    }

    List<Shipment> listByOrder(UUID orderId) {
        return jdbc.sql(FIND_BY_ORDER + " ORDER BY s.created_at")
                .param("order", orderId)
                .query(ShipmentRepository::shipment)
                .list();
    }

    private static Shipment shipment(ResultSet rows, int n) throws SQLException {
        return new Shipment(
                rows.getObject("id", UUID.class),
                rows.getObject("order_id", UUID.class),
                rows.getObject("carrier_id", UUID.class),
                rows.getString("carrier"),
                rows.getString("tracking_number"),
                Shipment.Status.valueOf(rows.getString("status")),
                rows.getString("region"),
                rows.getObject("booked_day", LocalDate.class),
                rows.getTimestamp("created_at").toInstant());
    }

    record BookedSlot(UUID carrierId, LocalDate day) {}
}
