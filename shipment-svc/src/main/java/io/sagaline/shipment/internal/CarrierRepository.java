package io.sagaline.shipment.internal;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class CarrierRepository {

    private static final String INSERT_CARRIER = """
            INSERT INTO carrier (id, name, daily_capacity, created_at)
            VALUES (:id, :name, :capacity, :createdAt)
            ON CONFLICT (name) DO NOTHING
            """;
    private static final String INSERT_REGION = """
            INSERT INTO carrier_region (carrier_id, region) VALUES (:carrier, :region)
            ON CONFLICT DO NOTHING
            """;
    private static final String FIND_ID_BY_NAME = "SELECT id FROM carrier WHERE name = :name";
    private static final String LIST = """
            SELECT c.id, c.name, c.daily_capacity,
                   ARRAY(SELECT r.region FROM carrier_region r WHERE r.carrier_id = c.id ORDER BY r.region) AS regions
            FROM carrier c ORDER BY c.name
            """;
    // Least loaded first, then by name: a stable order, so bookings spread over the carriers and
    // every booking tries them in the same sequence.
    private static final String CANDIDATES = """
            SELECT c.id, c.name
            FROM carrier c
            JOIN carrier_region r ON r.carrier_id = c.id AND r.region = :region
            LEFT JOIN carrier_day_load l ON l.carrier_id = c.id AND l.day = :day
            ORDER BY COALESCE(l.booked, 0), c.name
            """;
    private static final String ENSURE_DAY = """
            INSERT INTO carrier_day_load (carrier_id, day, booked) VALUES (:carrier, :day, 0)
            ON CONFLICT DO NOTHING
            """;
    // The capacity check and the increment in one statement: concurrent bookings of a carrier's
    // day queue on its row lock, and each re-reads the committed count before it increments.
    private static final String TAKE_SLOT = """
            UPDATE carrier_day_load SET booked = booked + 1
            WHERE carrier_id = :carrier AND day = :day
              AND booked < (SELECT daily_capacity FROM carrier WHERE id = :carrier)
            """;
    private static final String FREE_SLOT = """
            UPDATE carrier_day_load SET booked = booked - 1
            WHERE carrier_id = :carrier AND day = :day AND booked > 0
            """;
    private static final String BOOKED = """
            SELECT COALESCE((SELECT booked FROM carrier_day_load WHERE carrier_id = :carrier AND day = :day), 0)
            """;

    private final JdbcClient jdbc;

    CarrierRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the carrier; false when the name is taken. */
    boolean insert(Carrier carrier, Instant createdAt) {
        int inserted = jdbc.sql(INSERT_CARRIER)
                .param("id", carrier.id())
                .param("name", carrier.name())
                .param("capacity", carrier.dailyCapacity())
                .param("createdAt", Timestamp.from(createdAt))
                .update();
        if (inserted == 0) {
            return false;
        }
        addRegions(carrier.id(), carrier.regions());
        return true;
    }

    void addRegions(UUID carrier, List<String> regions) {
        for (String region : regions) {
            jdbc.sql(INSERT_REGION)
                    .param("carrier", carrier)
                    .param("region", region)
                    .update();
        }
    }

    java.util.Optional<UUID> idOf(String name) {
        return jdbc.sql(FIND_ID_BY_NAME).param("name", name).query(UUID.class).optional();
    }

    List<Carrier> list() {
        return jdbc.sql(LIST)
                .query((rows, n) -> new Carrier(
                        rows.getObject("id", UUID.class),
                        rows.getString("name"),
                        regions(rows.getArray("regions")),
                        rows.getInt("daily_capacity")))
                .list();
    }

    List<Candidate> candidates(String region, LocalDate day) {
        return jdbc.sql(CANDIDATES)
                .param("region", region)
                .param("day", day)
                .query((rows, n) -> new Candidate(rows.getObject("id", UUID.class), rows.getString("name")))
                .list();
    }

    boolean takeSlot(UUID carrier, LocalDate day) {
        jdbc.sql(ENSURE_DAY).param("carrier", carrier).param("day", day).update();
        return jdbc.sql(TAKE_SLOT).param("carrier", carrier).param("day", day).update() == 1;
    }

    void freeSlot(UUID carrier, LocalDate day) {
        int freed =
                jdbc.sql(FREE_SLOT).param("carrier", carrier).param("day", day).update();
        if (freed != 1) {
            throw new IllegalStateException("carrier " + carrier + " has no booking on " + day + " to free");
        }
    }

    int booked(UUID carrier, LocalDate day) {
        return jdbc.sql(BOOKED)
                .param("carrier", carrier)
                .param("day", day)
                .query(Integer.class)
                .single();
    }

    private static List<String> regions(Array array) throws SQLException {
        return Arrays.stream((Object[]) array.getArray())
                .map(String.class::cast)
                .toList();
    }

    record Candidate(UUID id, String name) {}
}
