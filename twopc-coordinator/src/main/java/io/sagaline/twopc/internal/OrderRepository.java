package io.sagaline.twopc.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** The {@code orders} table, on whatever connection and transaction {@code jdbc} uses. */
final class OrderRepository {

    // DO NOTHING on a taken key: the caller answers with the order that took it. A request racing
    // one whose branch holds the key waits here until that branch commits or rolls back.
    private static final String INSERT = """
            INSERT INTO orders (id, idempotency_key, customer_id, status, reason, total_minor, currency, lines,
                shipping_address, email, created_at)
            VALUES (:id, :key, :customerId, :status, :reason, :total, :currency, CAST(:lines AS jsonb),
                CAST(:address AS jsonb), :email, :now)
            ON CONFLICT (idempotency_key) DO NOTHING
            """;
    private static final String FIND_BY_KEY = "SELECT id, status, reason FROM orders WHERE idempotency_key = :key";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    OrderRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** @return false if another order holds the key (nothing is written then) */
    boolean insert(Order order, OrderStatus status, @Nullable String reason, Instant now) {
        return jdbc.sql(INSERT)
                        .param("id", order.id())
                        .param("key", order.key())
                        .param("customerId", order.customerId())
                        .param("status", status.name())
                        .param("reason", reason)
                        .param("total", order.total())
                        .param("currency", order.currency())
                        .param("lines", json.writeValueAsString(order.lines()))
                        .param("address", json.writeValueAsString(order.shippingAddress()))
                        .param("email", order.email())
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    Optional<StoredOrder> findByKey(String key) {
        return jdbc.sql(FIND_BY_KEY)
                .param("key", key)
                .query((rows, n) -> new StoredOrder(
                        rows.getObject("id", UUID.class),
                        OrderStatus.valueOf(rows.getString("status")),
                        rows.getString("reason")))
                .optional();
    }

    /** An order as its key's first request left it. */
    record StoredOrder(
            UUID id, OrderStatus status, @Nullable String reason) {}
}
