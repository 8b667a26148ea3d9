package io.sagaline.twopc.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Carriers, their daily booking counters and shipments, on whatever transaction {@code jdbc} uses. */
final class CarrierRepository {

    private static final String INSERT_CARRIER = """
            INSERT INTO carrier (id, name, daily_capacity, created_at)
            VALUES (:id, :name, :capacity, :now)
            ON CONFLICT (name) DO NOTHING
            """;
    private static final String INSERT_REGION = """
            INSERT INTO carrier_region (carrier_id, region) VALUES (:carrier, :region) ON CONFLICT DO NOTHING
            """;
    // Least booked first, then by name, as shipment-svc orders them.
    private static final String CANDIDATES = """
            SELECT c.id
            FROM carrier c
            JOIN carrier_region r ON r.carrier_id = c.id AND r.region = :region
            LEFT JOIN carrier_day d ON d.carrier_id = c.id AND d.day = :day
            ORDER BY COALESCE(d.booked, 0), c.name
            """;
    private static final String ENSURE_DAY = """
            INSERT INTO carrier_day (carrier_id, day, booked) VALUES (:carrier, :day, 0) ON CONFLICT DO NOTHING
            """;
    // The capacity check and the increment in one statement, as in shipment-svc: bookings of one
    // carrier's day queue on its row, here until the global transaction ends.
    private static final String TAKE_SLOT = """
            UPDATE carrier_day SET booked = booked + 1
            WHERE carrier_id = :carrier AND day = :day
              AND booked < (SELECT daily_capacity FROM carrier WHERE id = :carrier)
            """;
    private static final String INSERT_SHIPMENT = """
            INSERT INTO shipment (order_id, carrier_id, units, country, region, city, line1, postal_code,
                                  booked_day, created_at)
            VALUES (:orderId, :carrier, :units, :country, :region, :city, :line1, :postalCode, :day, :now)
            """;

    private final JdbcClient jdbc;

    CarrierRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the carrier and its regions; false, and nothing written, when the name is taken. */
    boolean insert(Carrier carrier, Instant now) {
        int inserted = jdbc.sql(INSERT_CARRIER)
                .param("id", carrier.id())
                .param("name", carrier.name())
                .param("capacity", carrier.dailyCapacity())
                .param("now", Timestamp.from(now))
                .update();
        if (inserted == 0) {
            return false;
        }
        for (String region : carrier.regions()) {
            jdbc.sql(INSERT_REGION)
                    .param("carrier", carrier.id())
                    .param("region", region)
                    .update();
        }
        return true;
    }

    List<UUID> candidates(String region, LocalDate day) {
        return jdbc.sql(CANDIDATES)
                .param("region", region)
                .param("day", day)
                .query(UUID.class)
                .list();
    }

    boolean takeSlot(UUID carrier, LocalDate day) {
        jdbc.sql(ENSURE_DAY).param("carrier", carrier).param("day", day).update();
        return jdbc.sql(TAKE_SLOT).param("carrier", carrier).param("day", day).update() == 1;
    }

    void insertShipment(Order order, UUID carrier, LocalDate day, Instant now) {
        Order.Address to = order.shippingAddress();
        jdbc.sql(INSERT_SHIPMENT)
                .param("orderId", order.id())
                .param("carrier", carrier)
                .param("units", order.units())
                .param("country", to.country())
                .param("region", to.region())
                .param("city", to.city())
                .param("line1", to.line1())
                .param("postalCode", to.postalCode())
                .param("day", day)
                .param("now", Timestamp.from(now))
                .update();
    }

    /** A carrier as {@code POST /api/carriers} answers it. */
    record Carrier(UUID id, String name, List<String> regions, int dailyCapacity) {}
}
