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

/**
 * The order behind the order saga: its first step creates the order PENDING, a successful capture
 * approves it, and the compensation of the first step rejects it.
 */
@Component
class OrderSagaType implements SagaType<OrderData> {

    private final OrderRepository orders;

    OrderSagaType(OrderRepository orders) {
        this.orders = orders;
    }

    @Override
    public List<SagaDefinition<OrderData>> definitions() {
        return List.of(OrderSaga.V1, OrderSaga.V2);
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

    /** Paid: the order is approved now, whether or not its confirmation mail has gone out yet. */
    @Override
    public void pivotPassed(SagaId sagaId, OrderData order, Instant now) {
        orders.decide(order.orderId(), OrderStatus.APPROVED, null, now);
    }

    @Override
    public void finished(SagaId sagaId, OrderData order, SagaState state, Instant now) {
        switch (state.status()) {
            // Approved when the capture succeeded.
            case COMPLETED -> {}
            // The order was rejected by the compensation of its first step.
            case COMPENSATED -> {}
            case RESOLVED -> {
                // An operator settled a failed compensation: the order did not go through. A
                // failed completion is past the pivot: the order stays approved and paid.
                if (state.direction() == Direction.BACKWARD) {
                    orders.decide(
                            order.orderId(), OrderStatus.REJECTED, "resolved by an operator: " + state.reason(), now);
                }
            }
            default -> throw new IllegalStateException("saga " + sagaId + " is not finished: " + state.status());
        }
    }
}
