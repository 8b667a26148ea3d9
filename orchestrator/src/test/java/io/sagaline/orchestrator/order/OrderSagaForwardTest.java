package io.sagaline.orchestrator.order;

import static io.sagaline.orchestrator.order.Orders.ADDRESS;
import static io.sagaline.orchestrator.order.Orders.AUTHORIZATION_ID;
import static io.sagaline.orchestrator.order.Orders.EMAIL;
import static io.sagaline.orchestrator.order.Orders.LINES;
import static io.sagaline.orchestrator.order.Orders.ORDER_ID;
import static io.sagaline.orchestrator.order.Orders.SHIPMENT_ID;
import static io.sagaline.orchestrator.order.Orders.TOTAL;
import static io.sagaline.orchestrator.order.Orders.UNIT_IDS;
import static io.sagaline.orchestrator.order.Orders.awaiting;
import static io.sagaline.orchestrator.order.Orders.started;
import static io.sagaline.orchestrator.order.Orders.successOf;
import static io.sagaline.orchestrator.saga.Direction.FORWARD;
import static io.sagaline.orchestrator.saga.SagaRun.T0;
import static io.sagaline.orchestrator.saga.SagaRun.key;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sagaline.messaging.Topics;
import io.sagaline.messaging.contract.InventoryMessages.AllocateInventory;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import io.sagaline.orchestrator.saga.SagaEffect.Completed;
import io.sagaline.orchestrator.saga.SagaEffect.Ignored;
import io.sagaline.orchestrator.saga.SagaEffect.PivotPassed;
import io.sagaline.orchestrator.saga.SagaEffect.RunLocal;
import io.sagaline.orchestrator.saga.SagaEffect.SendCommand;
import io.sagaline.orchestrator.saga.SagaEvent;
import io.sagaline.orchestrator.saga.SagaRun;
import io.sagaline.orchestrator.saga.SagaState;
import io.sagaline.orchestrator.saga.SagaStatus;
import io.sagaline.orchestrator.saga.Step;
import io.sagaline.orchestrator.saga.StepKind;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrderSagaForwardTest {

    @Test
    void definitionReadsLikeTheDesignTable() {
        assertThat(OrderSaga.V1.steps())
                .extracting(Step::name, Step::kind, Step::isLocal)
                .containsExactly(
                        tuple("create order", StepKind.COMPENSATABLE, true),
                        tuple("authorize payment", StepKind.COMPENSATABLE, false),
                        tuple("reserve inventory", StepKind.COMPENSATABLE, false),
                        tuple("schedule shipment", StepKind.COMPENSATABLE, false),
                        tuple("capture payment", StepKind.PIVOT, false),
                        tuple("allocate inventory", StepKind.RETRIABLE, false),
                        tuple("send order confirmation", StepKind.RETRIABLE, false));
        assertThat(OrderSaga.V1.pivot()).isEqualTo(4);
        assertThat(OrderSaga.V1.name()).isEqualTo("order");
        assertThat(OrderSaga.V1.version()).isEqualTo(1);
    }

    @Test
    void startingCreatesTheOrderLocallyAndAsksForAPaymentHold() {
        SagaRun<OrderData> saga = started();

        assertThat(saga.effects().getFirst()).isEqualTo(new RunLocal(0, "create order", FORWARD));
        assertThat(saga.sent())
                .isEqualTo(new SendCommand(
                        1,
                        "authorize payment",
                        FORWARD,
                        new AuthorizePayment(ORDER_ID, "customer-1", TOTAL),
                        Topics.PAYMENT_COMMANDS,
                        key(1, FORWARD),
                        new UUID(0, 1),
                        1,
                        T0.plus(ofSeconds(30))));
        assertThat(saga.state())
                .isEqualTo(new SagaState(
                        1, FORWARD, SagaStatus.RUNNING, 1, new UUID(0, 1), T0.plus(ofSeconds(30)), null, null));
    }

    @Test
    void aSecondStartChangesNothing() {
        SagaRun<OrderData> saga = started();
        SagaState before = saga.state();

        saga.start();

        assertThat(saga.state()).isEqualTo(before);
        assertThat(saga.effect(Ignored.class).reason()).contains("already started");
    }

    @ParameterizedTest(name = "step {0} succeeds: {1} goes to {2} within {3}")
    @CsvSource({
        "1, ReserveInventory, inventory.commands, PT30S",
        "2, ScheduleShipment, shipment.commands, PT30S",
        "3, CapturePayment, payment.commands, PT30S",
        "4, AllocateInventory, inventory.commands, PT30S",
        "5, SendOrderConfirmation, notification.commands, PT3M"
    })
    void eachSuccessSendsTheNextStepsCommand(int step, String command, String topic, Duration timeout) {
        SagaRun<OrderData> saga = awaiting(step).after(ofSeconds(2));

        saga.reply(successOf(step));

        SendCommand sent = saga.sent();
        assertThat(sent.step()).isEqualTo(step + 1);
        assertThat(sent.command().getClass().getSimpleName()).isEqualTo(command);
        assertThat(sent.topic()).isEqualTo(topic);
        assertThat(sent.idempotencyKey()).isEqualTo(key(step + 1, FORWARD));
        assertThat(sent.attempt()).isEqualTo(1);
        assertThat(sent.deadline()).isEqualTo(saga.now().plus(timeout));
        assertThat(saga.state().awaitedRequest()).isEqualTo(sent.requestId());
        assertThat(saga.state().deadline()).isEqualTo(sent.deadline());
    }

    @Test
    void aSuccessfulCaptureReportsThePointOfNoReturnBeforeTheNextCommand() {
        SagaRun<OrderData> saga = awaiting(4);

        saga.reply(successOf(4));

        assertThat(saga.effects()).first().isEqualTo(new PivotPassed(4, "capture payment"));
        assertThat(saga.sent().command()).isEqualTo(new AllocateInventory(ORDER_ID));
    }

    @Test
    void onlyThePivotReportsThePointOfNoReturn() {
        SagaRun<OrderData> saga = awaiting(1);

        for (int step = 1; step <= 6; step++) {
            saga.reply(successOf(step));
            boolean pivot = step == 4;
            assertThat(saga.effects().stream().anyMatch(PivotPassed.class::isInstance))
                    .as("step %d", step)
                    .isEqualTo(pivot);
        }
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPLETED);
    }

    @Test
    void commandsCarryTheOrderAndWhatEarlierStepsAnswered() {
        SagaRun<OrderData> saga = awaiting(1);

        saga.reply(successOf(1));
        assertThat(saga.sent().command()).isEqualTo(new ReserveInventory(ORDER_ID, LINES));
        saga.reply(successOf(2));
        assertThat(saga.sent().command()).isEqualTo(new ScheduleShipment(ORDER_ID, ADDRESS, 3));
        saga.reply(successOf(3));
        assertThat(saga.sent().command()).isEqualTo(new CapturePayment(ORDER_ID, TOTAL));
        saga.reply(successOf(4));
        assertThat(saga.sent().command()).isEqualTo(new AllocateInventory(ORDER_ID));
        saga.reply(successOf(5));
        assertThat(saga.sent().command()).isEqualTo(new SendOrderConfirmation(ORDER_ID, EMAIL, LINES, TOTAL));

        assertThat(saga.data().authorizationId()).isEqualTo(AUTHORIZATION_ID);
        assertThat(saga.data().unitIds()).isEqualTo(UNIT_IDS);
        assertThat(saga.data().shipmentId()).isEqualTo(SHIPMENT_ID);
    }

    @Test
    void theConfirmationCompletesTheSaga() {
        SagaRun<OrderData> saga = awaiting(6);

        saga.reply(successOf(6));

        assertThat(saga.effects()).containsExactly(new Completed());
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(saga.state().awaitedRequest()).isNull();
        assertThat(saga.state().deadline()).isNull();
    }

    @Test
    void aCompletedSagaIgnoresEveryLaterEvent() {
        SagaRun<OrderData> saga = awaiting(6).reply(successOf(6));
        SagaState completed = saga.state();

        saga.after(ofMinutes(10)).when(new SagaEvent.DeadlinePassed());
        assertThat(saga.effect(Ignored.class).reason()).contains("no deadline due");
        saga.replyTo(new UUID(0, 6), successOf(6));
        assertThat(saga.effect(Ignored.class).reason()).contains("not awaited");

        assertThat(saga.state()).isEqualTo(completed);
    }
}
