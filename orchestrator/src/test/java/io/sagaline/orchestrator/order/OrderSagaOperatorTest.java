package io.sagaline.orchestrator.order;

import static io.sagaline.orchestrator.order.Orders.ORDER_ID;
import static io.sagaline.orchestrator.order.Orders.awaiting;
import static io.sagaline.orchestrator.order.Orders.compensationOf;
import static io.sagaline.orchestrator.order.Orders.successOf;
import static io.sagaline.orchestrator.saga.Direction.BACKWARD;
import static io.sagaline.orchestrator.saga.Direction.FORWARD;
import static io.sagaline.orchestrator.saga.SagaRun.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaline.messaging.contract.InventoryMessages.ReleaseInventory;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.PaymentMessages.VoidAuthorization;
import io.sagaline.messaging.contract.ShipmentMessages.CancelShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentFailed;
import io.sagaline.orchestrator.saga.SagaEffect.CompensationStarted;
import io.sagaline.orchestrator.saga.SagaEffect.Rejected;
import io.sagaline.orchestrator.saga.SagaEffect.Resolved;
import io.sagaline.orchestrator.saga.SagaEffect.RunLocal;
import io.sagaline.orchestrator.saga.SagaEvent.OperatorAbort;
import io.sagaline.orchestrator.saga.SagaEvent.OperatorResolve;
import io.sagaline.orchestrator.saga.SagaEvent.OperatorRetry;
import io.sagaline.orchestrator.saga.SagaRun;
import io.sagaline.orchestrator.saga.SagaState;
import io.sagaline.orchestrator.saga.SagaStatus;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The admin API's retry, abort and resolve, as events. */
class OrderSagaOperatorTest {

    @Test
    void abortBeforeThePivotUndoesTheCurrentStepToo() {
        SagaRun<OrderData> saga = awaiting(3);

        saga.when(new OperatorAbort("customer called to cancel"));

        CompensationStarted started = saga.effect(CompensationStarted.class);
        assertThat(started.fromStep()).isEqualTo(3);
        assertThat(started.reason()).isEqualTo("aborted by an operator: customer called to cancel");
        assertThat(saga.sent().command()).isEqualTo(new CancelShipment(ORDER_ID));
        assertThat(OrderSagaCompensationTest.undoneAfter(saga))
                .containsExactly(
                        new ReleaseInventory(ORDER_ID),
                        new VoidAuthorization(ORDER_ID),
                        new RunLocal(0, "create order", BACKWARD));
    }

    @Test
    void abortAtThePivotIsRefused() {
        SagaRun<OrderData> saga = awaiting(4);
        SagaState capturing = saga.state();

        saga.when(new OperatorAbort("too late"));

        assertThat(saga.effects())
                .containsExactly(new Rejected("cannot abort: the saga is past its pivot (capture payment)"));
        assertThat(saga.state()).isEqualTo(capturing);
    }

    @Test
    void abortAfterThePivotIsRefused() {
        SagaRun<OrderData> saga = awaiting(6);

        saga.when(new OperatorAbort("too late"));

        assertThat(saga.effect(Rejected.class).reason()).contains("past its pivot");
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RUNNING);
    }

    @Test
    void abortOfACompensatingOrFinishedSagaIsRefused() {
        SagaRun<OrderData> compensating = awaiting(2).when(new OperatorAbort("first"));
        compensating.when(new OperatorAbort("second"));
        assertThat(compensating.effect(Rejected.class).reason()).isEqualTo("already compensating");

        SagaRun<OrderData> completed = awaiting(6).reply(successOf(6));
        completed.when(new OperatorAbort("late"));
        assertThat(completed.effect(Rejected.class).reason()).contains("COMPLETED");
    }

    @Test
    void retryResendsTheCurrentStepNowUnderItsKey() {
        SagaRun<OrderData> saga = awaiting(4).deadlinePasses();
        assertThat(saga.state().awaitedRequest()).as("backing off").isNull();

        saga.when(new OperatorRetry());

        assertThat(saga.sent().command()).isEqualTo(new CapturePayment(ORDER_ID, Orders.TOTAL));
        assertThat(saga.sent().idempotencyKey()).isEqualTo(key(4, FORWARD));
        assertThat(saga.sent().attempt()).isEqualTo(2);
        assertThat(saga.state().awaitedRequest()).isEqualTo(saga.sent().requestId());
    }

    @Test
    void retryWhileAReplyIsAwaitedSupersedesTheOutstandingRequest() {
        SagaRun<OrderData> saga = awaiting(5);
        UUID outstanding = saga.sent().requestId();

        saga.when(new OperatorRetry());
        saga.replyTo(outstanding, successOf(5));

        assertThat(saga.state().step())
                .as("the superseded request's reply is ignored")
                .isEqualTo(5);
        saga.reply(successOf(5));
        assertThat(saga.state().step()).isEqualTo(6);
    }

    @Test
    void retryOfAFailedCompensationStartsAFreshBudgetAndCarriesOn() {
        SagaRun<OrderData> saga = failedCompensation();

        saga.when(new OperatorRetry());

        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(saga.sent().command()).isEqualTo(new ReleaseInventory(ORDER_ID));
        assertThat(saga.sent().idempotencyKey()).isEqualTo(key(2, BACKWARD));
        assertThat(saga.sent().attempt()).isEqualTo(1);
        saga.reply(compensationOf(2));
        assertThat(saga.sent().command()).isEqualTo(new VoidAuthorization(ORDER_ID));
        saga.reply(compensationOf(1));
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATED);
    }

    @Test
    void resolveSettlesAFailedCompensationWithTheOperatorsReason() {
        SagaRun<OrderData> saga = failedCompensation();

        saga.when(new OperatorResolve("units released by hand in the warehouse"));

        assertThat(saga.effects()).containsExactly(new Resolved("units released by hand in the warehouse"));
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RESOLVED);
        assertThat(saga.state().reason()).isEqualTo("units released by hand in the warehouse");
        assertThat(saga.state().lastError()).contains("gave up after 12 attempts");

        saga.when(new OperatorRetry());
        assertThat(saga.effect(Rejected.class).reason()).contains("RESOLVED");
    }

    @Test
    void resolveIsRefusedUnlessACompensationOrCompletionFailed() {
        SagaRun<OrderData> saga = awaiting(2);

        saga.when(new OperatorResolve("looks fine"));

        assertThat(saga.effect(Rejected.class).reason())
                .contains("only a saga whose compensation or completion failed");
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RUNNING);
    }

    @Test
    void operatorsMustSayWhy() {
        assertThatThrownBy(() -> new OperatorResolve(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OperatorAbort("")).isInstanceOf(IllegalArgumentException.class);
    }

    private static SagaRun<OrderData> failedCompensation() {
        SagaRun<OrderData> saga = awaiting(3).reply(new ShipmentFailed(ORDER_ID, "no carrier"));
        while (saga.state().status() == SagaStatus.COMPENSATING) {
            saga.deadlinePasses();
        }
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATION_FAILED);
        return saga;
    }
}
