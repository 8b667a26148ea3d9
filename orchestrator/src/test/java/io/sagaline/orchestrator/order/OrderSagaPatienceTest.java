package io.sagaline.orchestrator.order;

import static io.sagaline.orchestrator.order.Orders.ORDER_ID;
import static io.sagaline.orchestrator.order.Orders.awaiting;
import static io.sagaline.orchestrator.order.Orders.successOf;
import static io.sagaline.orchestrator.saga.Direction.FORWARD;
import static io.sagaline.orchestrator.saga.SagaRun.key;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.messaging.contract.InventoryMessages.InventoryReservationFailed;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationFailed;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.messaging.contract.PaymentMessages.VoidAuthorization;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import io.sagaline.orchestrator.saga.SagaEffect;
import io.sagaline.orchestrator.saga.SagaEffect.CompensationStarted;
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

/**
 * Patience before the pivot: a step whose reply is late sends its command again under the same
 * idempotency key for two minutes before it is in doubt, and takes the first final answer to any
 * of its attempts.
 */
class OrderSagaPatienceTest {

    @Test
    void aLateReplyIsWaitedForByResendingTheCommandUnderTheSameKey() {
        SagaRun<OrderData> saga = awaiting(2);
        SendCommand first = saga.sent();

        saga.deadlinePasses();

        RetryScheduled resend = saga.effect(RetryScheduled.class);
        assertThat(resend.step()).isEqualTo(2);
        assertThat(resend.direction()).isEqualTo(FORWARD);
        assertThat(resend.attempt()).isEqualTo(2);
        assertThat(resend.at()).isEqualTo(saga.now().plus(ofSeconds(1)));
        assertThat(resend.reason()).contains("reserve inventory timed out after PT30S (attempt 1)", "patience of PT2M");
        assertThat(saga.effects()).hasSize(1);
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(saga.state().awaitedRequest()).isNull();
        assertThat(saga.state().lastError()).contains("timed out");

        saga.deadlinePasses();

        SendCommand again = saga.sent();
        assertThat(again.command()).isEqualTo(first.command()).isEqualTo(new ReserveInventory(ORDER_ID, Orders.LINES));
        assertThat(again.idempotencyKey()).isEqualTo(first.idempotencyKey()).isEqualTo(key(2, FORWARD));
        assertThat(again.requestId()).isNotEqualTo(first.requestId());
        assertThat(again.attempt()).isEqualTo(2);
    }

    @Test
    void aResentStepThatSucceedsCarriesTheSagaOn() {
        SagaRun<OrderData> saga = awaiting(2).deadlinePasses().deadlinePasses();

        saga.reply(successOf(2));

        assertThat(saga.sent().command()).isInstanceOf(ScheduleShipment.class);
        assertThat(saga.data().unitIds()).isEqualTo(Orders.UNIT_IDS);
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(saga.state().lastError()).isNull();
    }

    @Test
    void aResentStepThatFailsForGoodUndoesOnlyTheEarlierSteps() {
        SagaRun<OrderData> saga = awaiting(2).deadlinePasses().deadlinePasses();

        saga.reply(new InventoryReservationFailed(ORDER_ID, "SKU-1: 0 of 2 available"));

        assertThat(saga.effect(CompensationStarted.class).fromStep()).isEqualTo(1);
        assertThat(saga.sent().command()).isEqualTo(new VoidAuthorization(ORDER_ID));
    }

    @Test
    void aStepWhosePatienceIsSpentIsInDoubtAndCompensatedWithTheOthers() {
        SagaRun<OrderData> saga = awaiting(1);
        Instant start = saga.now();
        List<Duration> sentAfter = new ArrayList<>(List.of(Duration.ZERO));

        while (saga.effects().stream().noneMatch(CompensationStarted.class::isInstance)) {
            saga.deadlinePasses();
            saga.effects().stream()
                    .filter(SendCommand.class::isInstance)
                    .forEach(sent -> sentAfter.add(Duration.between(start, saga.now())));
        }

        // The last entry is the void, sent when the fourth attempt timed out.
        assertThat(sentAfter)
                .containsExactly(ofSeconds(0), ofSeconds(31), ofSeconds(63), ofSeconds(97), ofSeconds(127));
        CompensationStarted started = saga.effect(CompensationStarted.class);
        assertThat(started.fromStep()).isEqualTo(1);
        assertThat(started.reason()).contains("authorize payment timed out after PT30S (attempt 4)", "in doubt");
        assertThat(saga.sent().command()).isEqualTo(new VoidAuthorization(ORDER_ID));
    }

    @Test
    void aFinalAnswerToAnEarlierAttemptIsTakenWhileTheResendWaits() {
        SagaRun<OrderData> saga = awaiting(1);
        UUID first = saga.sent().requestId();
        saga.deadlinePasses();

        saga.replyTo(first, key(1, FORWARD), successOf(1));

        assertThat(saga.effects()).noneMatch(Ignored.class::isInstance);
        assertThat(saga.data().authorizationId()).isEqualTo(Orders.AUTHORIZATION_ID);
        assertThat(saga.sent().command()).isEqualTo(new ReserveInventory(ORDER_ID, Orders.LINES));
    }

    @Test
    void aFinalAnswerToAnEarlierAttemptIsTakenOnceAndTheLaterAttemptsAnswerIgnored() {
        SagaRun<OrderData> saga = awaiting(1);
        UUID first = saga.sent().requestId();
        saga.deadlinePasses().deadlinePasses();
        UUID second = saga.sent().requestId();

        saga.replyTo(first, key(1, FORWARD), new PaymentDeclined(ORDER_ID, "insufficient credit"));

        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(saga.state().reason()).contains("insufficient credit");
        SagaState rejected = saga.state();

        saga.replyTo(second, key(1, FORWARD), new PaymentDeclined(ORDER_ID, "insufficient credit"));
        assertThat(saga.effect(Ignored.class).reason()).contains("not awaited");
        saga.replyTo(first, key(1, FORWARD), new PaymentDeclined(ORDER_ID, "insufficient credit"));
        assertThat(saga.effect(Ignored.class).reason()).contains("not awaited");
        assertThat(saga.state()).isEqualTo(rejected);
    }

    @Test
    void anotherStepsAnswerIsNotTakenForTheCurrentOnes() {
        SagaRun<OrderData> saga = awaiting(2);
        UUID authorization = UUID.randomUUID();
        SagaState before = saga.state();

        saga.replyTo(authorization, key(1, FORWARD), successOf(1));

        assertThat(saga.effect(Ignored.class)).isNotNull();
        assertThat(saga.state()).isEqualTo(before);
    }

    @Test
    void aRetryableFailureOfAnEarlierAttemptSpeaksOnlyForThatAttempt() {
        SagaRun<OrderData> saga = awaiting(6);
        UUID first = saga.sent().requestId();
        saga.reply(new OrderConfirmationFailed(ORDER_ID, "mail server unreachable"));
        saga.deadlinePasses();
        SagaState secondOut = saga.state();

        saga.replyTo(first, key(6, FORWARD), new OrderConfirmationFailed(ORDER_ID, "mail server unreachable"));

        assertThat(saga.effect(Ignored.class)).isNotNull();
        assertThat(saga.state()).isEqualTo(secondOut);
    }

    @Test
    void anOperatorAbortWhileAResendWaitsUndoesTheStepInDoubtToo() {
        SagaRun<OrderData> saga = awaiting(2).deadlinePasses();

        saga.when(new SagaEvent.OperatorAbort("customer called"));

        assertThat(saga.effect(CompensationStarted.class).fromStep()).isEqualTo(2);
        assertThat(saga.effects()).anyMatch(SagaEffect.SendCommand.class::isInstance);
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATING);
    }

    @Test
    void theOrderSagaReachesItsPivotWithinSevenMinutesEvenWhenEveryReplyComesLast() {
        // Three steps, each up to four attempts of 30 s and 7 s of backoff between them.
        assertThat(OrderSaga.V1.longestUntilPivot()).isEqualTo(ofSeconds(3 * 127));
    }
}
