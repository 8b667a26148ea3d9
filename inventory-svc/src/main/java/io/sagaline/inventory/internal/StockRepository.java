package io.sagaline.inventory.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SKUs and their units. Every statement joins the caller's transaction. */
@Repository
class StockRepository {

    private static final String INSERT_SKU = """
            INSERT INTO sku (sku, created_at) VALUES (:sku, :now) ON CONFLICT (sku) DO NOTHING
            """;
    private static final String LOCK_SKU = "SELECT sku FROM sku WHERE sku = :sku FOR UPDATE";
    private static final String SKU_EXISTS = "SELECT EXISTS (SELECT 1 FROM sku WHERE sku = :sku)";
    private static final String ADD_UNITS = """
            INSERT INTO unit (id, sku, price_minor, currency, status, added_at)
            SELECT gen_random_uuid(), :sku, :priceMinor, :currency, 'AVAILABLE', :now
            FROM generate_series(1, :count)
            """;
    private static final String COUNTS = """
            SELECT count(*) FILTER (WHERE status = 'AVAILABLE') AS available,
                   count(*) FILTER (WHERE status = 'RESERVED')  AS reserved,
                   count(*) FILTER (WHERE status = 'ALLOCATED') AS allocated
            FROM unit WHERE sku = :sku
            """;
    // SKIP LOCKED: concurrent reservations take different units instead of queueing on the same
    // ones. Rows locked here but not updated are simply unlocked at commit.
    private static final String PICK_AVAILABLE = """
            SELECT id FROM unit WHERE sku = :sku AND status = 'AVAILABLE'
            ORDER BY id LIMIT :quantity FOR UPDATE SKIP LOCKED
            """;
    private static final String RESERVE = """
            UPDATE unit SET status = 'RESERVED', order_id = :orderId, reserved_until = :until
            WHERE id IN (:ids) AND status = 'AVAILABLE'
            """;
    private static final String RELEASE_ORDERS = """
            UPDATE unit SET status = 'AVAILABLE', order_id = NULL, reserved_until = NULL
            WHERE order_id IN (:orderIds) AND status = 'RESERVED'
            """;
    private static final String ALLOCATE_RESERVED = """
            UPDATE unit SET status = 'ALLOCATED', reserved_until = NULL
            WHERE order_id = :orderId AND status = 'RESERVED'
            """;
    private static final String COUNT_ALLOCATED = """
            SELECT count(*) FROM unit WHERE order_id = :orderId AND status = 'ALLOCATED'
            """;
    private static final String LOCK_FREE_UNITS = """
            SELECT id FROM unit WHERE id IN (:ids) AND status = 'AVAILABLE' ORDER BY id FOR UPDATE
            """;
    private static final String ALLOCATE_FREE = """
            UPDATE unit SET status = 'ALLOCATED', order_id = :orderId, reserved_until = NULL
            WHERE id IN (:ids) AND status = 'AVAILABLE'
            """;

    private final JdbcClient jdbc;

    StockRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates the SKU if it is new, then locks it so concurrent stock-ups of one SKU queue. */
    void createAndLockSku(String sku, Instant now) {
        jdbc.sql(INSERT_SKU).param("sku", sku).param("now", Timestamp.from(now)).update();
        jdbc.sql(LOCK_SKU).param("sku", sku).query(String.class).single();
    }

    boolean skuExists(String sku) {
        return Boolean.TRUE.equals(
                jdbc.sql(SKU_EXISTS).param("sku", sku).query(Boolean.class).single());
    }

    void addUnits(String sku, int count, long priceMinor, String currency, Instant now) {
        jdbc.sql(ADD_UNITS)
                .param("sku", sku)
                .param("priceMinor", priceMinor)
                .param("currency", currency)
                .param("now", Timestamp.from(now))
                .param("count", count)
                .update();
    }

    Optional<SkuCounts> counts(String sku) {
        if (!skuExists(sku)) {
            return Optional.empty();
        }
        return Optional.of(jdbc.sql(COUNTS)
                .param("sku", sku)
                .query((row, n) ->
                        new SkuCounts(sku, row.getLong("available"), row.getLong("reserved"), row.getLong("allocated")))
                .single());
    }

    List<UUID> pickAvailable(String sku, int quantity) {
        return jdbc.sql(PICK_AVAILABLE)
                .param("sku", sku)
                .param("quantity", quantity)
                .query(UUID.class)
                .list();
    }

    int reserve(UUID orderId, Collection<UUID> unitIds, Instant until) {
        return jdbc.sql(RESERVE)
                .param("orderId", orderId)
                .param("until", Timestamp.from(until))
                .param("ids", unitIds)
                .update();
    }

    int releaseOrders(Collection<UUID> orderIds) {
        return jdbc.sql(RELEASE_ORDERS).param("orderIds", orderIds).update();
    }

    int allocateReserved(UUID orderId) {
        return jdbc.sql(ALLOCATE_RESERVED).param("orderId", orderId).update();
    }

    int countAllocated(UUID orderId) {
        return jdbc.sql(COUNT_ALLOCATED)
                .param("orderId", orderId)
                .query(Integer.class)
                .single();
    }

    /** Locks those of {@code unitIds} that are free and returns them. */
    List<UUID> lockFree(Collection<UUID> unitIds) {
        return jdbc.sql(LOCK_FREE_UNITS).param("ids", unitIds).query(UUID.class).list();
    }

    int allocateFree(UUID orderId, Collection<UUID> unitIds) {
        return jdbc.sql(ALLOCATE_FREE)
                .param("orderId", orderId)
                .param("ids", unitIds)
                .update();
    }
}
