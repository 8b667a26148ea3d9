package io.sagaline.twopc.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** SKUs and their units in the inventory database, on whatever transaction {@code jdbc} uses. */
final class StockRepository {

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
                   count(*) FILTER (WHERE status = 'ALLOCATED') AS allocated
            FROM unit WHERE sku = :sku
            """;
    // The same pick as inventory-svc's: concurrent orders take different units instead of queueing
    // on the same ones. Units a prepared transaction holds are skipped too.
    private static final String PICK_AVAILABLE = """
            SELECT id FROM unit WHERE sku = :sku AND status = 'AVAILABLE'
            ORDER BY id LIMIT :quantity FOR UPDATE SKIP LOCKED
            """;
    private static final String ALLOCATE = """
            UPDATE unit SET status = 'ALLOCATED', order_id = :orderId, allocated_at = :now
            WHERE id IN (:ids) AND status = 'AVAILABLE'
            """;

    private final JdbcClient jdbc;

    StockRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates the SKU if it is new, then locks it, so concurrent stock-ups of one SKU queue. */
    void createAndLockSku(String sku, Instant now) {
        jdbc.sql(INSERT_SKU).param("sku", sku).param("now", Timestamp.from(now)).update();
        jdbc.sql(LOCK_SKU).param("sku", sku).query(String.class).single();
    }

    boolean skuExists(String sku) {
        return jdbc.sql(SKU_EXISTS).param("sku", sku).query(Boolean.class).single();
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

    SkuCounts counts(String sku) {
        return jdbc.sql(COUNTS)
                .param("sku", sku)
                .query((rows, n) -> new SkuCounts(sku, rows.getLong("available"), rows.getLong("allocated")))
                .single();
    }

    /** Locks up to {@code quantity} free units of the SKU that no other transaction holds. */
    List<UUID> pickAvailable(String sku, int quantity) {
        return jdbc.sql(PICK_AVAILABLE)
                .param("sku", sku)
                .param("quantity", quantity)
                .query(UUID.class)
                .list();
    }

    int allocate(UUID orderId, Collection<UUID> unitIds, Instant now) {
        return jdbc.sql(ALLOCATE)
                .param("orderId", orderId)
                .param("ids", unitIds)
                .param("now", Timestamp.from(now))
                .update();
    }

    /** How many units of an SKU are free and sold, as {@code POST /api/skus/{sku}/units} answers. */
    record SkuCounts(String sku, long available, long allocated) {}
}
