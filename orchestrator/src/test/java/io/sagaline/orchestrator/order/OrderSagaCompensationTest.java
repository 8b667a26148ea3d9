package io.sagaline.orchestrator.order;

import static io.sagaline.orchestrator.order.Orders.ORDER_ID;
import static io.sagaline.orchestrator.order.Orders.awaiting;
import static io.sagaline.orchestrator.order.Orders.compensationOf;
import static io.sagaline.orchestrator.order.Orders.successOf;
import static io.sagaline.orchestrator.saga.Direction.BACKWARD;
import static io.sagaline.orchestrator.saga.SagaRun.key;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReservationFailed;
import io.sagaline.messaging.contract.InventoryMessages.ReleaseInventory;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptureFailed;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.messaging.contract.PaymentMessages.VoidAuthorization;
import io.sagaline.messaging.contract.ShipmentMessages.CancelShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentFailed;
import io.sagaline.orchestrator.saga.SagaEffect;
import io.sagaline.orchestrator.saga.SagaEffect.Compensated;
import io.sagaline.orchestrator.saga.SagaEffect.CompensationStarted;
import io.sagaline.orchestrator.saga.SagaEffect.RunLocal;
import io.sagaline.orchestrator.saga.SagaEffect.SendCommand;
import io.sagaline.orchestrator.saga.SagaRun;
import io.sagaline.orchestrator.saga.SagaStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Business failures and timeouts before the pivot, and the failed capture at it. */
class OrderSagaCompensationTest {

    private static final RunLocal REJECT_ORDER = new RunLocal(0, "create order", BACKWARD);

    @Test
    void declinedPaymentRejectsTheOrderWithoutVoidingAnything() {
        SagaRun<OrderData> saga = awaiting(1);

        saga.reply(new PaymentDeclined(ORDER_ID, "insufficient credit"));

        assertThat(saga.effects()).hasSize(3);
        assertThat(saga.effect(CompensationStarted.class).fromStep()).isZero();
        assertThat(saga.effects().get(1)).isEqualTo(REJECT_ORDER);
        assertThat(saga.effect(Compensated.class).reason())
                .startsWith("authorize payment failed: PaymentDeclined")
                .contains("insufficient credit");
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(saga.state().reason()).contains("insufficient credit");
    }

    @Test
    void inventoryShortageVoidsTheHoldThenRejectsTheOrder() {
        SagaRun<OrderData> saga = awaiting(2).after(ofSeconds(1));

        saga.reply(new InventoryReservationFailed(ORDER_ID, "SKU-1: 1 of 2 available"));

        assertThat(saga.sent())
                .isEqualTo(new SendCommand(
                        1,
                        "authorize payment",
                        BACKWARD,
                        new VoidAuthorization(ORDER_ID),
                        Topics.PAYMENT_COMMANDS,
                        key(1, BACKWARD),
                        saga.state().awaitedRequest(),
                        1,
                        saga.now().plus(ofSeconds(30))));
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(undoneAfter(saga)).containsExactly(REJECT_ORDER);
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATED);
    }

    @Test
    void shipmentFailureReleasesTheUnitsThenVoidsThenRejectsButCancelsNothing() {
        SagaRun<OrderData> saga = awaiting(3);

        saga.reply(new ShipmentFailed(ORDER_ID, "region BE not served"));

        assertThat(saga.effect(CompensationStarted.class).fromStep()).isEqualTo(2);
        assertThat(saga.sent().command()).isEqualTo(new ReleaseInventory(ORDER_ID));
        assertThat(saga.sent().topic()).isEqualTo(Topics.INVENTORY_COMMANDS);
        assertThat(saga.sent().idempotencyKey()).isEqualTo(key(2, BACKWARD));
        assertThat(undoneAfter(saga)).containsExactly(new VoidAuthorization(ORDER_ID), REJECT_ORDER);
    }

    @Test
    void failedCaptureMeansNoSaleAndUndoesEveryEarlierStep() {
        SagaRun<OrderData> saga = awaiting(4);

        saga.reply(new PaymentCaptureFailed(ORDER_ID, "the authorization expired"));

        assertThat(saga.effect(CompensationStarted.class).fromStep()).isEqualTo(3);
        assertThat(saga.sent().command()).isEqualTo(new CancelShipment(ORDER_ID));
        assertThat(undoneAfter(saga))
                .containsExactly(new ReleaseInventory(ORDER_ID), new VoidAuthorization(ORDER_ID), REJECT_ORDER);
        assertThat(saga.effect(Compensated.class).reason()).contains("capture payment failed", "expired");
    }

    @Test
    void timedOutAuthorizationIsInDoubtAndIsVoided() {
        SagaRun<OrderData> saga = awaiting(1);

        saga.everyAttemptTimesOut();

        CompensationStarted started = saga.effect(CompensationStarted.class);
        assertThat(started.fromStep()).isEqualTo(1);
        assertThat(started.reason()).contains("authorize payment timed out", "in doubt");
        assertThat(saga.sent().command()).isEqualTo(new VoidAuthorization(ORDER_ID));
        assertThat(saga.sent().deadline()).isEqualTo(saga.now().plus(ofSeconds(30)));
        assertThat(undoneAfter(saga)).containsExactly(REJECT_ORDER);
    }

    @Test
    void timedOutReservationIsReleasedBeforeTheHoldIsVoided() {
        SagaRun<OrderData> saga = awaiting(2);

        saga.everyAttemptTimesOut();

        assertThat(saga.sent().command()).isEqualTo(new ReleaseInventory(ORDER_ID));
        assertThat(saga.sent().idempotencyKey()).isEqualTo(key(2, BACKWARD));
        assertThat(undoneAfter(saga)).containsExactly(new VoidAuthorization(ORDER_ID), REJECT_ORDER);
    }

    @Test
    void timedOutShipmentIsCancelledFirst() {
        SagaRun<OrderData> saga = awaiting(3);

        saga.everyAttemptTimesOut();

        assertThat(saga.sent().command()).isEqualTo(new CancelShipment(ORDER_ID));
        assertThat(saga.sent().topic()).isEqualTo(Topics.SHIPMENT_COMMANDS);
        assertThat(saga.sent().idempotencyKey()).isEqualTo(key(3, BACKWARD));
        assertThat(undoneAfter(saga))
                .containsExactly(new ReleaseInventory(ORDER_ID), new VoidAuthorization(ORDER_ID), REJECT_ORDER);
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(saga.state().reason()).contains("schedule shipment timed out after PT30S (attempt 4)");
    }

    @Test
    void aCompensationReplyOfTheWrongStepIsIgnored() {
        SagaRun<OrderData> saga = awaiting(3).reply(new ShipmentFailed(ORDER_ID, "no capacity"));
        var before = saga.state();

        saga.reply(compensationOf(1));

        assertThat(saga.effect(SagaEffect.Ignored.class).reason()).contains("AuthorizationVoided", "reserve inventory");
        assertThat(saga.state()).isEqualTo(before);
    }

    @Test
    void successRepliesOfEarlierStepsCannotMoveACompensatingSagaForward() {
        SagaRun<OrderData> saga = awaiting(2).reply(new InventoryReservationFailed(ORDER_ID, "unknown SKU"));
        var before = saga.state();

        saga.reply(successOf(1));

        assertThat(saga.effect(SagaEffect.Ignored.class)).isNotNull();
        assertThat(saga.state()).isEqualTo(before);
    }

    /**
     * Answers every compensation command with its success reply until the saga is compensated,
     * and lists what was undone after the current command: commands sent and local undo steps.
     */
    static List<Object> undoneAfter(SagaRun<OrderData> saga) {
        List<Object> undone = new ArrayList<>();
        while (saga.state().status() == SagaStatus.COMPENSATING) {
            saga.reply(compensationOf(saga.state().step()));
            for (SagaEffect effect : saga.effects()) {
                switch (effect) {
                    case SendCommand send -> undone.add(send.command());
                    case RunLocal local -> undone.add(local);
                    default -> {}
                }
            }
        }
        return undone;
    }
}
