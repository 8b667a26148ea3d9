package io.sagaline.orchestrator.runtime;

import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaline.messaging.SagaId;
import io.sagaline.orchestrator.order.OrderData;
import io.sagaline.orchestrator.order.OrderSaga;
import io.sagaline.orchestrator.saga.SagaDefinition;
import io.sagaline.orchestrator.saga.SagaEffect;
import io.sagaline.orchestrator.saga.SagaState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The orchestrator's half of the check that keeps holds and reservations alive until the pivot. */
class SagaMaxDurationTest {

    private static final SagaType<OrderData> ORDERS = new SagaType<>() {
        @Override
        public List<SagaDefinition<OrderData>> definitions() {
            return List.of(OrderSaga.V1);
        }

        @Override
        public void runLocal(SagaId sagaId, OrderData data, SagaEffect.RunLocal step, SagaState state, Instant now) {}

        @Override
        public void pivotPassed(SagaId sagaId, OrderData data, Instant now) {}

        @Override
        public void finished(SagaId sagaId, OrderData data, SagaState state, Instant now) {}
    };

    @Test
    void acceptsTheOrderSagaWithinTheDefaultThirtyMinutes() {
        assertThatCode(() -> Sagas.requireWithin(ofMinutes(30), ORDERS)).doesNotThrowAnyException();
    }

    @Test
    void refusesADefinitionWhosePatienceCanOutlastTheMaxDuration() {
        assertThatThrownBy(() -> Sagas.requireWithin(ofMinutes(5), ORDERS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("order v1 can take PT6M21S to reach its pivot")
                .hasMessageContaining("sagaline.saga.max-duration (PT5M)");
    }
}
