package io.sagaline.orchestrator.order.internal;

import io.sagaline.messaging.SagaId;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.OrderLine;
import io.sagaline.messaging.contract.OrderMessages.PlaceOrder;
import io.sagaline.orchestrator.order.OrderData;
import io.sagaline.orchestrator.runtime.SagaStart;
import io.sagaline.orchestrator.runtime.Sagas;
import io.sagaline.orchestrator.runtime.StartKeyReused;
import io.sagaline.orchestrator.runtime.StartResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/** Places orders: one order saga per client key, over REST and Kafka alike. */
@Service
class Orders {

    private final Sagas sagas;
    private final OrderSagaType orderSaga;
    private final OrderRepository orders;
    private final JsonMapper mapper;

    Orders(Sagas sagas, OrderSagaType orderSaga, OrderRepository orders, JsonMapper mapper) {
        this.sagas = sagas;
        this.orderSaga = orderSaga;
        this.orders = orders;
        this.mapper = mapper;
    }

    /**
     * Starts the saga of {@code request} under {@code key}, or finds the one the key started.
     *
     * @param sagaId the id for a new saga
     * @throws StartKeyReused if the key placed a different order before
     */
    Placement place(PlaceOrder request, String key, SagaId sagaId) {
        UUID orderId = UUID.randomUUID();
        OrderData order = OrderData.placed(
                orderId,
                request.customerId(),
                request.lines().stream()
                        .map(line -> new OrderLine(
                                line.sku(), line.quantity(), Money.of(line.unitPrice(), request.currency())))
                        .toList(),
                request.currency(),
                request.shippingAddress(),
                request.email());
        StartResult started = sagas.start(orderSaga, new SagaStart<>(sagaId, key, fingerprint(request), order));
        if (started.created()) {
            return new Placement(orderId, started.sagaId(), true);
        }
        OrderView placedBefore = orders.findBySaga(started.sagaId())
                .orElseThrow(() -> new IllegalStateException("saga " + started.sagaId() + " has no order"));
        return new Placement(placedBefore.orderId(), started.sagaId(), false);
    }

    Optional<OrderView> find(UUID orderId) {
        return orders.find(orderId);
    }

    private String fingerprint(PlaceOrder request) {
        try {
            byte[] canonical = mapper.writeValueAsString(request).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * @param created {@code false} when the key had placed this order before
     */
    record Placement(UUID orderId, SagaId sagaId, boolean created) {}
}
