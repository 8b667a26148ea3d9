package io.sagaline.orchestrator.order.internal;

import io.sagaline.messaging.SagaId;
import io.sagaline.orchestrator.order.OrderData;
import io.sagaline.orchestrator.order.OrderSaga;
import io.sagaline.orchestrator.runtime.SagaType;
import io.sagaline.orchestrator.saga.Direction;
import io.sagaline.orchestrator.saga.SagaDefinition;
import io.sagaline.orchestrator.saga.SagaEffect;
import io.sagaline.orchestrator.saga.SagaState;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/** The order saga's local steps: its first step creates the order, its last compensation rejects it. */
@Component
class OrderSagaType implements SagaType<OrderData> {

    private final OrderRepository orders;

    OrderSagaType(OrderRepository orders) {
        this.orders = orders;
    }

    @Override
    public List<SagaDefinition<OrderData>> definitions() {
        return List.of(OrderSaga.DEFINITION);
    }

    @Override
    public void runLocal(SagaId sagaId, OrderData order, SagaEffect.RunLocal step, SagaState state, Instant now) {
        if (step.step() != 0) {
            throw new IllegalStateException("the order saga has no local step " + step.step());
        }
        if (step.direction() == Direction.FORWARD) {
            orders.insertPending(sagaId, order, now);
        } else {
            orders.decide(order.orderId(), OrderStatus.REJECTED, state.reason(), now);
        }
    }

    @Override
    public void finished(SagaId sagaId, OrderData order, SagaState state, Instant now) {
        switch (state.status()) {
            case COMPLETED -> orders.decide(order.orderId(), OrderStatus.APPROVED, null, now);
            // The order was rejected by the compensation of its first step.
            case COMPENSATED -> {}
            // An operator settled a failed compensation: the order did not go through.
            case RESOLVED ->
                orders.decide(order.orderId(), OrderStatus.REJECTED, "resolved by an operator: " + state.reason(), now);
            default -> throw new IllegalStateException("saga " + sagaId + " is not finished: " + state.status());
        }
    }
}
