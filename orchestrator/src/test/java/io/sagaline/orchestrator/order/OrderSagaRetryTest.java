package io.sagaline.orchestrator.order;

import static io.sagaline.orchestrator.order.Orders.ORDER_ID;
import static io.sagaline.orchestrator.order.Orders.awaiting;
import static io.sagaline.orchestrator.order.Orders.compensationOf;
import static io.sagaline.orchestrator.order.Orders.successOf;
import static io.sagaline.orchestrator.saga.Direction.BACKWARD;
import static io.sagaline.orchestrator.saga.Direction.FORWARD;
import static io.sagaline.orchestrator.saga.SagaRun.key;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.messaging.contract.InventoryMessages.ReleaseInventory;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationFailed;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentFailed;
import io.sagaline.orchestrator.saga.SagaEffect.CompensationFailed;
import io.sagaline.orchestrator.saga.SagaEffect.Ignored;
import io.sagaline.orchestrator.saga.SagaEffect.RetryScheduled;
import io.sagaline.orchestrator.saga.SagaEffect.SendCommand;
import io.sagaline.orchestrator.saga.SagaEvent;
import io.sagaline.orchestrator.saga.SagaRun;
import io.sagaline.orchestrator.saga.SagaState;
import io.sagaline.orchestrator.saga.SagaStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Retries: after the pivot until done, in compensation until the budget is spent; stale replies. */
class OrderSagaRetryTest {

    @ParameterizedTest(name = "step {0} times out after the pivot: retried, never compensated")
    @ValueSource(ints = {4, 5, 6})
    void aTimeoutFromThePivotOnRetriesTheSameRequest(int step) {
        SagaRun<OrderData> saga = awaiting(step);
        SendCommand first = saga.sent();

        saga.deadlinePasses();

        RetryScheduled retry = saga.effect(RetryScheduled.class);
        assertThat(retry.step()).isEqualTo(step);
        assertThat(retry.attempt()).isEqualTo(2);
        assertThat(retry.at()).isEqualTo(saga.now().plus(ofSeconds(1)));
        assertThat(retry.reason()).contains("timed out");
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(saga.state().awaitedRequest()).isNull();

        saga.deadlinePasses();

        SendCommand again = saga.sent();
        assertThat(again.command()).isEqualTo(first.command());
        assertThat(again.topic()).isEqualTo(first.topic());
        assertThat(again.idempotencyKey()).isEqualTo(first.idempotencyKey()).isEqualTo(key(step, FORWARD));
        assertThat(again.requestId()).isNotEqualTo(first.requestId());
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.deadline()).isEqualTo(saga.now().plus(timeoutOf(step)));
    }

    @Test
    void failedConfirmationMailIsRetriedWithGrowingBackoffAndNeverGivenUp() {
        SagaRun<OrderData> saga = awaiting(6);
        List<Duration> delays = new ArrayList<>();

        for (int attempt = 1; attempt <= 12; attempt++) {
            saga.reply(new OrderConfirmationFailed(ORDER_ID, "mail server unreachable"));
            Instant failedAt = saga.now();
            RetryScheduled retry = saga.effect(RetryScheduled.class);
            assertThat(retry.attempt()).isEqualTo(attempt + 1);
            delays.add(Duration.between(failedAt, retry.at()));

            saga.deadlinePasses();
            assertThat(saga.sent().attempt()).isEqualTo(attempt + 1);
            assertThat(saga.sent().idempotencyKey()).isEqualTo(key(6, FORWARD));
        }

        assertThat(delays)
                .containsExactly(
                        ofSeconds(1),
                        ofSeconds(2),
                        ofSeconds(4),
                        ofSeconds(8),
                        ofSeconds(16),
                        ofSeconds(32),
                        ofSeconds(64),
                        ofSeconds(128),
                        ofSeconds(256),
                        ofMinutes(5),
                        ofMinutes(5),
                        ofMinutes(5));
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(saga.state().lastError()).contains("mail server unreachable");

        saga.reply(successOf(6));
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPLETED);
    }

    @Test
    void theLastFailureStaysVisibleWhileARetryWaits() {
        SagaRun<OrderData> saga = awaiting(6);

        saga.reply(new OrderConfirmationFailed(ORDER_ID, "mail server unreachable"));

        assertThat(saga.state().lastError()).contains("send order confirmation failed, retryable", "unreachable");
        assertThat(saga.state().deadline()).isEqualTo(saga.now().plus(ofSeconds(1)));
    }

    @Test
    void aLateReplyToAStepAlreadyInDoubtIsIgnored() {
        SagaRun<OrderData> saga = awaiting(3);
        UUID timedOut = saga.sent().requestId();
        saga.everyAttemptTimesOut();
        SagaState compensating = saga.state();
        OrderData data = saga.data();

        saga.replyTo(timedOut, key(3, FORWARD), successOf(3));

        assertThat(saga.effects()).hasSize(1);
        assertThat(saga.effect(Ignored.class).reason())
                .contains("ShipmentScheduled", timedOut.toString(), "not awaited");
        assertThat(saga.state()).isEqualTo(compensating);
        assertThat(saga.data()).isEqualTo(data);
    }

    @Test
    void aDuplicateReplyIsAppliedOnce() {
        SagaRun<OrderData> saga = awaiting(1);
        UUID request = saga.sent().requestId();
        saga.replyTo(request, successOf(1));
        SagaState reserving = saga.state();

        saga.replyTo(request, successOf(1));

        assertThat(saga.effects()).hasSize(1).first().isInstanceOf(Ignored.class);
        assertThat(saga.state()).isEqualTo(reserving);
    }

    @Test
    void aReplyNamingOnlyAnEarlierAttemptIsIgnoredAndTheCurrentOneIsTaken() {
        SagaRun<OrderData> saga = awaiting(4);
        UUID firstAttempt = saga.sent().requestId();
        saga.deadlinePasses().deadlinePasses();
        UUID secondAttempt = saga.sent().requestId();

        saga.replyTo(firstAttempt, successOf(4));
        assertThat(saga.effect(Ignored.class)).isNotNull();
        assertThat(saga.state().step()).isEqualTo(4);

        saga.replyTo(secondAttempt, successOf(4));
        assertThat(saga.state().step()).isEqualTo(5);
    }

    @Test
    void aDeadlineThatHasNotComeIsIgnored() {
        SagaRun<OrderData> saga = awaiting(2);
        SagaState before = saga.state();

        saga.after(ofSeconds(29)).when(new SagaEvent.DeadlinePassed());

        assertThat(saga.effect(Ignored.class).reason()).contains("no deadline due");
        assertThat(saga.state()).isEqualTo(before);
    }

    @Test
    void aCompensationThatKeepsTimingOutIsRetriedThenFailsVisibly() {
        SagaRun<OrderData> saga = awaiting(3).reply(new ShipmentFailed(ORDER_ID, "no carrier"));
        List<Integer> attempts = new ArrayList<>();

        for (int attempt = 1; attempt < 12; attempt++) {
            assertThat(saga.sent().command()).isEqualTo(new ReleaseInventory(ORDER_ID));
            assertThat(saga.sent().idempotencyKey()).isEqualTo(key(2, BACKWARD));
            attempts.add(saga.sent().attempt());
            saga.deadlinePasses();
            assertThat(saga.effect(RetryScheduled.class).direction()).isEqualTo(BACKWARD);
            saga.deadlinePasses();
        }
        attempts.add(saga.sent().attempt());
        saga.deadlinePasses();

        assertThat(attempts).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        CompensationFailed failed = saga.effect(CompensationFailed.class);
        assertThat(failed.step()).isEqualTo(2);
        assertThat(failed.reason())
                .contains("gave up after 12 attempts", "compensation of reserve inventory timed out");
        assertThat(saga.effects()).hasSize(1);
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATION_FAILED);
        assertThat(saga.state().step()).isEqualTo(2);
        assertThat(saga.state().deadline()).as("no scan picks it up again").isNull();
        assertThat(saga.state().reason()).contains("no carrier");
    }

    @Test
    void aCompensationAnsweredWithinItsBudgetCarriesOn() {
        SagaRun<OrderData> saga = awaiting(3).reply(new ShipmentFailed(ORDER_ID, "no carrier"));
        saga.deadlinePasses().deadlinePasses().deadlinePasses().deadlinePasses();
        assertThat(saga.sent().attempt()).isEqualTo(3);

        saga.reply(compensationOf(2));

        assertThat(saga.sent().step()).isEqualTo(1);
        assertThat(saga.sent().attempt()).isEqualTo(1);
        assertThat(saga.state().lastError()).isNull();
    }

    @Test
    void aCaptureIsRetriedLongPastAnyBudget() {
        SagaRun<OrderData> saga = awaiting(4);

        for (int attempt = 1; attempt <= 30; attempt++) {
            saga.deadlinePasses().deadlinePasses();
        }

        assertThat(saga.sent().command()).isEqualTo(new CapturePayment(ORDER_ID, Orders.TOTAL));
        assertThat(saga.sent().attempt()).isEqualTo(31);
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RUNNING);
    }

    private static Duration timeoutOf(int step) {
        return OrderSaga.V1.step(step).timeout();
    }
}
