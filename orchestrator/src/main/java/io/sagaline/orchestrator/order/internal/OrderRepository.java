package io.sagaline.orchestrator.order.internal;

import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.contract.Address;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.OrderLine;
import io.sagaline.orchestrator.order.OrderData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code orders} table. Every method runs in the caller's transaction. */
@Repository
class OrderRepository {

    private static final String INSERT = """
            INSERT INTO orders (id, saga_id, customer_id, status, total_minor, currency, lines, shipping_address,
                email, created_at, updated_at)
            VALUES (:id, :sagaId, :customerId, 'PENDING', :totalMinor, :currency, CAST(:lines AS jsonb),
                CAST(:address AS jsonb), :email, :now, :now)
            """;

    // Only a PENDING order moves: the saga decides its outcome once.
    private static final String DECIDE = """
            UPDATE orders SET status = :status, reason = :reason, updated_at = :now
            WHERE id = :id AND status = 'PENDING'
            """;

    private static final String COLUMNS = """
            id, saga_id, customer_id, status, reason, total_minor, currency, lines::text AS lines,
            shipping_address::text AS shipping_address, email, created_at, updated_at
            """;

    private static final String FIND = "SELECT " + COLUMNS + " FROM orders WHERE id = :id";

    private static final String FIND_BY_SAGA = "SELECT " + COLUMNS + " FROM orders WHERE saga_id = :sagaId";

    private static final TypeReference<List<OrderLine>> LINES = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper mapper;

    OrderRepository(JdbcClient jdbc, JsonMapper mapper) {
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    void insertPending(SagaId sagaId, OrderData order, Instant now) {
        jdbc.sql(INSERT)
                .param("id", order.orderId())
                .param("sagaId", sagaId.value())
                .param("customerId", order.customerId())
                .param("totalMinor", order.total().amountMinor())
                .param("currency", order.total().currency())
                .param("lines", mapper.writeValueAsString(order.lines()))
                .param("address", mapper.writeValueAsString(order.shippingAddress()))
                .param("email", order.email())
                .param("now", Timestamp.from(now))
                .update();
    }

    /** Moves a PENDING order to {@code status}; an order already decided is left as it is. */
    void decide(UUID orderId, OrderStatus status, @Nullable String reason, Instant now) {
        jdbc.sql(DECIDE)
                .param("status", status.name())
                .param("reason", reason)
                .param("now", Timestamp.from(now))
                .param("id", orderId)
                .update();
    }

    Optional<OrderView> find(UUID orderId) {
        return jdbc.sql(FIND).param("id", orderId).query(this::map).optional();
    }

    Optional<OrderView> findBySaga(SagaId sagaId) {
        return jdbc.sql(FIND_BY_SAGA)
                .param("sagaId", sagaId.value())
                .query(this::map)
                .optional();
    }

    private OrderView map(ResultSet rows, int n) throws SQLException {
        return new OrderView(
                rows.getObject("id", UUID.class),
                rows.getObject("saga_id", UUID.class),
                OrderStatus.valueOf(rows.getString("status")),
                rows.getString("reason"),
                rows.getString("customer_id"),
                mapper.readValue(rows.getString("lines"), LINES),
                Money.of(rows.getLong("total_minor"), rows.getString("currency")),
                mapper.readValue(rows.getString("shipping_address"), Address.class),
                rows.getString("email"),
                rows.getTimestamp("created_at").toInstant(),
                rows.getTimestamp("updated_at").toInstant());
    }
}
