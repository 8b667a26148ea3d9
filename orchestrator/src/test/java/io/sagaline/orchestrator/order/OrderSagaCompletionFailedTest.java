package io.sagaline.orchestrator.order;

import static io.sagaline.orchestrator.order.Orders.ORDER_ID;
import static io.sagaline.orchestrator.order.Orders.awaiting;
import static io.sagaline.orchestrator.order.Orders.successOf;
import static io.sagaline.orchestrator.saga.Direction.FORWARD;
import static io.sagaline.orchestrator.saga.SagaRun.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationUndeliverable;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.orchestrator.saga.SagaEffect.CompletionFailed;
import io.sagaline.orchestrator.saga.SagaEffect.Ignored;
import io.sagaline.orchestrator.saga.SagaEffect.Rejected;
import io.sagaline.orchestrator.saga.SagaEffect.Resolved;
import io.sagaline.orchestrator.saga.SagaEvent.DeadlinePassed;
import io.sagaline.orchestrator.saga.SagaEvent.OperatorAbort;
import io.sagaline.orchestrator.saga.SagaEvent.OperatorResolve;
import io.sagaline.orchestrator.saga.SagaEvent.OperatorRetry;
import io.sagaline.orchestrator.saga.SagaRun;
import io.sagaline.orchestrator.saga.SagaState;
import io.sagaline.orchestrator.saga.SagaStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A confirmation mail that can never go out: past the pivot, the saga waits for an operator. */
class OrderSagaCompletionFailedTest {

    private static final OrderConfirmationUndeliverable NO_SUCH_MAILBOX =
            new OrderConfirmationUndeliverable(ORDER_ID, "undeliverable: 550 5.1.1 no such mailbox");

    @Test
    void anUndeliverableMailStopsTheSagaVisiblyWithoutUndoingAnything() {
        SagaRun<OrderData> saga = awaiting(6);

        saga.reply(NO_SUCH_MAILBOX);

        CompletionFailed failed = saga.effect(CompletionFailed.class);
        assertThat(failed.step()).isEqualTo(6);
        assertThat(failed.reason()).contains("send order confirmation failed for good", "no such mailbox");
        assertThat(saga.effects()).hasSize(1);
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPLETION_FAILED);
        assertThat(saga.state().lastError()).contains("no such mailbox");
        assertThat(saga.state().deadline()).as("no scan picks it up").isNull();
        assertThat(saga.state().awaitedRequest()).isNull();
    }

    @Test
    void aDeadlineOrALateReplyChangesNothingWhileAnOperatorIsAwaited() {
        SagaRun<OrderData> saga = awaiting(6);
        var sent = saga.sent().requestId();
        saga.reply(NO_SUCH_MAILBOX);
        SagaState waiting = saga.state();

        saga.after(Duration.ofHours(1)).when(new DeadlinePassed());
        assertThat(saga.effect(Ignored.class)).isNotNull();
        saga.replyTo(sent, key(6, FORWARD), successOf(6));
        assertThat(saga.effect(Ignored.class)).isNotNull();

        assertThat(saga.state()).isEqualTo(waiting);
    }

    @Test
    void anOperatorsRetrySendsTheMailAgainUnderTheSameKey() {
        SagaRun<OrderData> saga = awaiting(6).reply(NO_SUCH_MAILBOX);

        saga.when(new OperatorRetry());

        assertThat(saga.sent().command()).isInstanceOf(SendOrderConfirmation.class);
        assertThat(saga.sent().idempotencyKey()).isEqualTo(key(6, FORWARD));
        assertThat(saga.sent().attempt()).isEqualTo(1);
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RUNNING);

        saga.reply(successOf(6));
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPLETED);
    }

    @Test
    void anOperatorResolvesItAndCannotAbortIt() {
        SagaRun<OrderData> saga = awaiting(6).reply(NO_SUCH_MAILBOX);

        saga.when(new OperatorAbort("customer asked"));
        assertThat(saga.effect(Rejected.class).reason()).contains("past its pivot");
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPLETION_FAILED);

        saga.when(new OperatorResolve("customer told by phone"));
        assertThat(saga.effect(Resolved.class).reason()).isEqualTo("customer told by phone");
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RESOLVED);
        assertThat(saga.state().direction())
                .as("resolved past the pivot: the order stays approved")
                .isEqualTo(FORWARD);
    }
}
