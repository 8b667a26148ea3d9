package io.sagaline.orchestrator.order;

import static io.sagaline.orchestrator.order.Orders.ORDER_ID;
import static io.sagaline.orchestrator.order.Orders.compensationOf;
import static io.sagaline.orchestrator.order.Orders.startedOnV2;
import static io.sagaline.orchestrator.order.Orders.successOf;
import static io.sagaline.orchestrator.saga.Direction.BACKWARD;
import static io.sagaline.orchestrator.saga.Direction.FORWARD;
import static io.sagaline.orchestrator.saga.SagaRun.key;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.messaging.contract.InventoryMessages.AllocateInventory;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReservationFailed;
import io.sagaline.messaging.contract.InventoryMessages.ReleaseInventory;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationFailed;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationUndeliverable;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptureFailed;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.messaging.contract.PaymentMessages.VoidAuthorization;
import io.sagaline.messaging.contract.ShipmentMessages.CancelShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentFailed;
import io.sagaline.orchestrator.saga.GroupMember.Phase;
import io.sagaline.orchestrator.saga.SagaEffect;
import io.sagaline.orchestrator.saga.SagaEffect.CompensationPending;
import io.sagaline.orchestrator.saga.SagaEffect.CompensationStarted;
import io.sagaline.orchestrator.saga.SagaEffect.MemberSettled;
import io.sagaline.orchestrator.saga.SagaEffect.PivotPassed;
import io.sagaline.orchestrator.saga.SagaEffect.RunLocal;
import io.sagaline.orchestrator.saga.SagaEffect.SendCommand;
import io.sagaline.orchestrator.saga.SagaEvent;
import io.sagaline.orchestrator.saga.SagaEvent.ReplyReceived;
import io.sagaline.orchestrator.saga.SagaRun;
import io.sagaline.orchestrator.saga.SagaState;
import io.sagaline.orchestrator.saga.SagaStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Version 2 of the order saga: authorize, reserve and schedule at once, the capture alone, then
 * allocate and confirm at once. Every interleaving of members that matters, without a broker.
 */
class OrderSagaParallelTest {

    private static final RunLocal REJECT_ORDER = new RunLocal(0, "create order", BACKWARD);

    @Test
    void startSendsTheThreeIndependentCommandsAtOnce() {
        SagaRun<OrderData> saga = startedOnV2();

        assertThat(saga.sentAll())
                .extracting(SendCommand::command)
                .containsExactly(
                        new AuthorizePayment(ORDER_ID, "customer-1", Orders.TOTAL),
                        new ReserveInventory(ORDER_ID, Orders.LINES),
                        new ScheduleShipment(ORDER_ID, Orders.ADDRESS, 3));
        assertThat(saga.sentAll())
                .extracting(SendCommand::idempotencyKey)
                .containsExactly(key(1, FORWARD), key(2, FORWARD), key(3, FORWARD));
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(saga.state().step()).isEqualTo(1);
        assertThat(saga.state().members()).extracting(member -> member.phase()).containsOnly(Phase.AWAITING);
        assertThat(saga.state().deadline()).isEqualTo(saga.now().plus(ofSeconds(30)));
    }

    @Test
    void anApprovedOrderNeedsThreeRoundsOfCommandsInsteadOfSix() {
        SagaRun<OrderData> saga = startedOnV2();
        int rounds = 1;

        saga.replyFor(3, successOf(3)).replyFor(1, successOf(1));
        assertThat(saga.sentAll())
                .as("nothing moves until every member succeeded")
                .isEmpty();
        saga.replyFor(2, successOf(2));
        assertThat(saga.sent().command()).isEqualTo(new CapturePayment(ORDER_ID, Orders.TOTAL));
        rounds++;
        assertThat(saga.data().authorizationId()).isEqualTo(Orders.AUTHORIZATION_ID);
        assertThat(saga.data().unitIds()).isEqualTo(Orders.UNIT_IDS);
        assertThat(saga.data().shipmentId()).isEqualTo(Orders.SHIPMENT_ID);

        saga.reply(successOf(4));
        assertThat(saga.effect(PivotPassed.class).step()).isEqualTo(4);
        assertThat(saga.sentAll())
                .extracting(SendCommand::command)
                .containsExactly(
                        new AllocateInventory(ORDER_ID),
                        new SendOrderConfirmation(ORDER_ID, Orders.EMAIL, Orders.LINES, Orders.TOTAL));
        rounds++;

        saga.replyFor(6, successOf(6)).replyFor(5, successOf(5));
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(rounds)
                .as("commands in a row, each a relay hop there and one back")
                .isEqualTo(3);
    }

    @Test
    void aFailedMemberWaitsForTheOthersThenUndoesOnlyWhatSucceeded() {
        SagaRun<OrderData> saga = startedOnV2();

        saga.replyFor(2, new InventoryReservationFailed(ORDER_ID, "SKU-1: 1 of 2 available"));

        CompensationPending pending = saga.effect(CompensationPending.class);
        assertThat(pending.awaited()).containsExactly(1, 3);
        assertThat(pending.reason()).startsWith("reserve inventory failed");
        assertThat(saga.sentAll()).isEmpty();
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATING);

        saga.replyFor(1, successOf(1));
        assertThat(saga.sentAll()).as("still waiting for the shipment's reply").isEmpty();
        saga.replyFor(3, successOf(3));

        assertThat(saga.effect(CompensationStarted.class).fromStep()).isEqualTo(3);
        assertThat(undo(saga))
                .containsExactly(new CancelShipment(ORDER_ID), new VoidAuthorization(ORDER_ID), REJECT_ORDER);
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(saga.state().reason()).contains("1 of 2 available");
    }

    @Test
    void twoFailedMembersLeaveOnlyTheThirdToUndo() {
        SagaRun<OrderData> saga = startedOnV2();

        saga.replyFor(1, new PaymentDeclined(ORDER_ID, "insufficient credit"));
        saga.replyFor(2, new InventoryReservationFailed(ORDER_ID, "unknown SKU"));
        assertThat(saga.effects()).noneMatch(CompensationPending.class::isInstance);
        saga.replyFor(3, successOf(3));

        assertThat(undo(saga)).containsExactly(new CancelShipment(ORDER_ID), REJECT_ORDER);
        assertThat(saga.state().reason()).as("the first failure is the reason").contains("insufficient credit");
    }

    @Test
    void everyMemberFailingUndoesNothingButTheOrder() {
        SagaRun<OrderData> saga = startedOnV2();

        saga.replyFor(3, new ShipmentFailed(ORDER_ID, "region BE not served"));
        saga.replyFor(1, new PaymentDeclined(ORDER_ID, "frozen"));
        saga.replyFor(2, new InventoryReservationFailed(ORDER_ID, "unknown SKU"));

        assertThat(saga.effects()).contains(REJECT_ORDER);
        assertThat(saga.sentAll()).isEmpty();
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATED);
    }

    @Test
    void aMemberThatTimesOutWhileAnotherFailedIsInDoubtAndUndone() {
        SagaRun<OrderData> saga = startedOnV2();
        saga.replyFor(2, new InventoryReservationFailed(ORDER_ID, "unknown SKU"));
        saga.replyFor(1, successOf(1));

        saga.deadlinePasses();

        assertThat(saga.effect(MemberSettled.class))
                .extracting(MemberSettled::step, MemberSettled::outcome)
                .containsExactly(3, Phase.IN_DOUBT);
        assertThat(saga.effects())
                .noneMatch(effect -> effect instanceof SendCommand send && send.direction() == FORWARD);
        assertThat(undo(saga))
                .containsExactly(new CancelShipment(ORDER_ID), new VoidAuthorization(ORDER_ID), REJECT_ORDER);
    }

    @Test
    void aLateMemberIsSentAgainWithinItsPatienceWhileTheOthersSucceed() {
        SagaRun<OrderData> saga = startedOnV2();
        saga.replyFor(1, successOf(1)).replyFor(2, successOf(2));

        saga.deadlinePasses();
        assertThat(saga.effect(SagaEffect.RetryScheduled.class).step()).isEqualTo(3);
        assertThat(saga.state().member(3).orElseThrow().phase()).isEqualTo(Phase.RESEND_DUE);

        saga.deadlinePasses();
        SendCommand again = saga.sent();
        assertThat(again.step()).isEqualTo(3);
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.idempotencyKey()).isEqualTo(key(3, FORWARD));

        saga.replyFor(3, successOf(3));
        assertThat(saga.sent().command()).isInstanceOf(CapturePayment.class);
    }

    @Test
    void membersInDoubtAfterTheirPatienceAreUndoneWithTheOnesThatSucceeded() {
        SagaRun<OrderData> saga = startedOnV2();
        saga.replyFor(1, successOf(1));

        saga.everyAttemptTimesOut();

        assertThat(saga.effects())
                .filteredOn(effect -> effect instanceof MemberSettled settled && settled.outcome() == Phase.IN_DOUBT)
                .hasSize(2);
        assertThat(saga.effect(CompensationPending.class).awaited()).isEmpty();
        assertThat(undo(saga))
                .containsExactly(
                        new CancelShipment(ORDER_ID),
                        new ReleaseInventory(ORDER_ID),
                        new VoidAuthorization(ORDER_ID),
                        REJECT_ORDER);
        assertThat(saga.state().reason()).contains("timed out").contains("in doubt");
    }

    @Test
    void aReplyRacingItsOwnTimeoutStillCounts() {
        SagaRun<OrderData> saga = startedOnV2();
        UUID firstAttempt = saga.awaitedBy(3);
        saga.replyFor(1, successOf(1)).replyFor(2, successOf(2));
        saga.deadlinePasses();
        assertThat(saga.state().member(3).orElseThrow().phase()).isEqualTo(Phase.RESEND_DUE);

        saga.replyTo(firstAttempt, key(3, FORWARD), successOf(3));

        assertThat(saga.sent().command()).as("the capture, not a resend").isInstanceOf(CapturePayment.class);
    }

    @Test
    void aLateReplyOfAMemberInDoubtOnceCompensationStartedIsIgnored() {
        SagaRun<OrderData> saga = startedOnV2();
        UUID shipment = saga.awaitedBy(3);
        saga.replyFor(2, new InventoryReservationFailed(ORDER_ID, "unknown SKU"));
        saga.replyFor(1, successOf(1));
        saga.deadlinePasses();
        assertThat(saga.effect(CompensationStarted.class).fromStep()).isEqualTo(3);
        SagaState compensating = saga.state();

        saga.replyTo(shipment, key(3, FORWARD), new ShipmentFailed(ORDER_ID, "late: region not served"));

        assertThat(saga.effect(SagaEffect.Ignored.class).reason()).contains("not awaited");
        assertThat(saga.state()).isEqualTo(compensating);
    }

    @Test
    void duplicateAndStaleRepliesOfMembersAreIgnored() {
        SagaRun<OrderData> saga = startedOnV2();
        UUID authorize = saga.awaitedBy(1);
        saga.replyTo(authorize, key(1, FORWARD), successOf(1));
        SagaState before = saga.state();

        saga.replyTo(authorize, key(1, FORWARD), successOf(1));
        assertThat(saga.effect(SagaEffect.Ignored.class)).isNotNull();
        assertThat(saga.state()).isEqualTo(before);

        saga.replyTo(UUID.randomUUID(), successOf(2));
        assertThat(saga.effect(SagaEffect.Ignored.class)).isNotNull();
        assertThat(saga.state()).isEqualTo(before);

        saga.replyFor(2, successOf(3));
        assertThat(saga.effect(SagaEffect.Ignored.class).reason()).contains("not a reply reserve inventory expects");
    }

    @Test
    void anOperatorAbortWhileTheGroupIsInFlightUndoesEveryMemberThatMayHaveHappened() {
        SagaRun<OrderData> saga = startedOnV2();
        saga.replyFor(1, successOf(1));
        UUID reserve = saga.awaitedBy(2);

        saga.when(new SagaEvent.OperatorAbort("customer called"));

        assertThat(saga.effect(CompensationStarted.class).reason()).contains("customer called");
        assertThat(saga.sent().command())
                .as("the shipment may have been booked")
                .isEqualTo(new CancelShipment(ORDER_ID));
        saga.replyTo(reserve, successOf(2));
        assertThat(saga.effect(SagaEffect.Ignored.class))
                .as("the forward reply comes too late")
                .isNotNull();
        assertThat(undo(saga))
                .as("the reservation may have happened too")
                .containsExactly(new ReleaseInventory(ORDER_ID), new VoidAuthorization(ORDER_ID), REJECT_ORDER);
    }

    @Test
    void anOperatorAbortWhileTheGroupIsFailingIsRefused() {
        SagaRun<OrderData> saga = startedOnV2();
        saga.replyFor(1, new PaymentDeclined(ORDER_ID, "insufficient credit"));

        saga.when(new SagaEvent.OperatorAbort("customer called"));

        assertThat(saga.effect(SagaEffect.Rejected.class).reason()).contains("already compensating");
    }

    @Test
    void anOperatorRetrySendsEveryOpenMemberAgain() {
        SagaRun<OrderData> saga = startedOnV2();
        saga.replyFor(1, successOf(1));

        saga.when(new SagaEvent.OperatorRetry());

        assertThat(saga.sentAll()).extracting(SendCommand::step).containsExactly(2, 3);
        assertThat(saga.sentAll()).extracting(SendCommand::attempt).containsOnly(2);
    }

    @Test
    void replyTimeoutsOfMembersWaitForTheRepliesToBeRead() {
        SagaRun<OrderData> saga = startedOnV2();
        Instant timeout = saga.state().deadline();

        saga.deadlinePassesAt(timeout.plusSeconds(5), timeout.minusSeconds(1));

        assertThat(saga.effect(SagaEffect.Ignored.class)).isNotNull();
        assertThat(saga.state().members()).extracting(member -> member.phase()).containsOnly(Phase.AWAITING);
    }

    @Test
    void aFailedCaptureUndoesTheWholeGroup() {
        SagaRun<OrderData> saga = startedOnV2();
        saga.replyFor(1, successOf(1)).replyFor(2, successOf(2)).replyFor(3, successOf(3));

        saga.reply(new PaymentCaptureFailed(ORDER_ID, "the authorization expired"));

        assertThat(undo(saga))
                .containsExactly(
                        new CancelShipment(ORDER_ID),
                        new ReleaseInventory(ORDER_ID),
                        new VoidAuthorization(ORDER_ID),
                        REJECT_ORDER);
    }

    @Test
    void afterThePivotAMemberRetriesUntilDoneWhileTheOtherFinishes() {
        SagaRun<OrderData> saga = pastThePivot();

        saga.replyFor(6, new OrderConfirmationFailed(ORDER_ID, "SMTP 451"));
        assertThat(saga.effect(SagaEffect.RetryScheduled.class).step()).isEqualTo(6);
        saga.replyFor(5, successOf(5));
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RUNNING);

        saga.deadlinePasses();
        assertThat(saga.sent().step()).isEqualTo(6);
        saga.replyFor(6, successOf(6));

        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPLETED);
    }

    @Test
    void afterThePivotAFailureForGoodWaitsForAnOperatorWhoseRetrySendsOnlyWhatIsNotDone() {
        SagaRun<OrderData> saga = pastThePivot();
        saga.replyFor(5, successOf(5));

        saga.replyFor(6, new OrderConfirmationUndeliverable(ORDER_ID, "no such mailbox"));
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPLETION_FAILED);

        saga.when(new SagaEvent.OperatorRetry());
        assertThat(saga.sent().step()).isEqualTo(6);
        assertThat(saga.state().status()).isEqualTo(SagaStatus.RUNNING);
        saga.replyFor(6, successOf(6));
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPLETED);
    }

    private static SagaRun<OrderData> pastThePivot() {
        SagaRun<OrderData> saga = startedOnV2();
        saga.replyFor(1, successOf(1)).replyFor(2, successOf(2)).replyFor(3, successOf(3));
        return saga.reply(successOf(4));
    }

    /**
     * Answers every compensation as done until the saga is compensated: the commands and local
     * steps of the compensation, the one sent by the last event first.
     */
    private static List<Object> undo(SagaRun<OrderData> saga) {
        List<Object> undone = new ArrayList<>();
        while (true) {
            for (SagaEffect effect : saga.effects()) {
                switch (effect) {
                    case SendCommand send when send.direction() == BACKWARD -> undone.add(send.command());
                    case RunLocal local -> undone.add(local);
                    default -> {}
                }
            }
            if (saga.state().status() != SagaStatus.COMPENSATING || saga.state().awaitedRequest() == null) {
                return undone;
            }
            saga.when(new ReplyReceived(
                    saga.state().awaitedRequest(), compensationOf(saga.state().step())));
        }
    }
}
