package io.sagaline.orchestrator.order;

import static io.sagaline.messaging.Topics.INVENTORY_COMMANDS;
import static io.sagaline.messaging.Topics.NOTIFICATION_COMMANDS;
import static io.sagaline.messaging.Topics.PAYMENT_COMMANDS;
import static io.sagaline.messaging.Topics.SHIPMENT_COMMANDS;
import static io.sagaline.orchestrator.saga.StepKind.COMPENSATABLE;
import static io.sagaline.orchestrator.saga.StepKind.PIVOT;
import static io.sagaline.orchestrator.saga.StepKind.RETRIABLE;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;

import io.sagaline.messaging.contract.InventoryMessages.AllocateInventory;
import io.sagaline.messaging.contract.InventoryMessages.InventoryAllocated;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReleased;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReservationFailed;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReserved;
import io.sagaline.messaging.contract.InventoryMessages.ReleaseInventory;
import io.sagaline.messaging.contract.InventoryMessages.ReserveInventory;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationFailed;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationSent;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationUndeliverable;
import io.sagaline.messaging.contract.NotificationMessages.SendOrderConfirmation;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizationVoided;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentAuthorized;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptureFailed;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptured;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.messaging.contract.PaymentMessages.VoidAuthorization;
import io.sagaline.messaging.contract.ShipmentMessages.CancelShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentCancelled;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentFailed;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentScheduled;
import io.sagaline.orchestrator.saga.RetryPolicy;
import io.sagaline.orchestrator.saga.SagaDefinition;
import java.time.Duration;

/**
 * The order saga: from a placed order to a paid, allocated and confirmed one. Both versions run the
 * same steps; version 2 starts the independent ones together.
 *
 * <pre>
 * v1: create order → authorize payment → reserve inventory → schedule shipment → capture payment
 *     → allocate inventory → send order confirmation
 * v2: create order → [authorize payment ∥ reserve inventory ∥ schedule shipment] → capture payment
 *     → [allocate inventory ∥ send order confirmation]
 * </pre>
 *
 * <p>An approved order crosses the relay 12 times in a row on v1 (a command and a reply per step)
 * and 6 times on v2.
 */
public final class OrderSaga {

    /** The saga type, as stored with each instance. */
    public static final String TYPE = "order";

    /** How long a participant has to answer one attempt of a command. */
    static final Duration REPLY_TIMEOUT = ofSeconds(30);

    /**
     * How long a step before the pivot keeps sending its command again when replies are late,
     * before it is in doubt and the order is rejected: longer than a participant's restart under
     * load (20 to 40 s here), so that a crash that heals costs no customer the order. Attempts go
     * out at about 0, 31, 63 and 97 s; the fourth timing out at 127 s leaves the step in doubt.
     */
    static final Duration PATIENCE = ofMinutes(2);

    /**
     * Before the pivot participants answer with business failures only, so this budget is their
     * compensations': retried for about 10 minutes before the saga waits for an operator.
     */
    static final RetryPolicy UNDO_BUDGET = RetryPolicy.exponential(12, ofSeconds(1), ofMinutes(2));

    static final RetryPolicy UNTIL_DONE = RetryPolicy.forever(ofSeconds(1), ofMinutes(5));

    /**
     * Above notification-svc's sending-timeout (2 min): a retry sooner than that finds the first
     * send still claimed and gets no reply.
     */
    static final Duration MAIL_TIMEOUT = ofMinutes(3);

    /** Every step one after another. */
    public static final SagaDefinition<OrderData> V1 = steps(1).build();

    /** The steps that do not depend on each other run at once; the pivot stands alone. */
    public static final SagaDefinition<OrderData> V2 = steps(2).parallel(
                    "authorize payment", "reserve inventory", "schedule shipment")
            .parallel("allocate inventory", "send order confirmation")
            .build();

    private static SagaDefinition.Builder<OrderData> steps(int version) {
        return SagaDefinition.of(TYPE, version, OrderData.class)
                .step("create order")
                .kind(COMPENSATABLE)
                .local() // the order row, PENDING, in the start transaction
                .compensateLocally() // the order becomes REJECTED with the saga's reason
                .step("authorize payment")
                .kind(COMPENSATABLE)
                .invoke(
                        PAYMENT_COMMANDS,
                        order -> new AuthorizePayment(order.orderId(), order.customerId(), order.total()))
                .onSuccess(PaymentAuthorized.class, OrderData::authorized)
                .onFailure(PaymentDeclined.class)
                .compensateWith(PAYMENT_COMMANDS, order -> new VoidAuthorization(order.orderId()))
                .compensated(AuthorizationVoided.class)
                .timeout(REPLY_TIMEOUT)
                .patience(PATIENCE)
                .retry(UNDO_BUDGET)
                .step("reserve inventory")
                .kind(COMPENSATABLE)
                .invoke(INVENTORY_COMMANDS, order -> new ReserveInventory(order.orderId(), order.lines()))
                .onSuccess(InventoryReserved.class, OrderData::reserved)
                .onFailure(InventoryReservationFailed.class)
                .compensateWith(INVENTORY_COMMANDS, order -> new ReleaseInventory(order.orderId()))
                .compensated(InventoryReleased.class)
                .timeout(REPLY_TIMEOUT)
                .patience(PATIENCE)
                .retry(UNDO_BUDGET)
                .step("schedule shipment")
                .kind(COMPENSATABLE)
                .invoke(
                        SHIPMENT_COMMANDS,
                        order -> new ScheduleShipment(order.orderId(), order.shippingAddress(), order.units()))
                .onSuccess(ShipmentScheduled.class, OrderData::scheduled)
                .onFailure(ShipmentFailed.class)
                .compensateWith(SHIPMENT_COMMANDS, order -> new CancelShipment(order.orderId()))
                .compensated(ShipmentCancelled.class)
                .timeout(REPLY_TIMEOUT)
                .patience(PATIENCE)
                .retry(UNDO_BUDGET)
                .step("capture payment")
                .kind(PIVOT) // a failed capture (hold expired or voided) means no sale: the steps above are undone
                .invoke(PAYMENT_COMMANDS, order -> new CapturePayment(order.orderId(), order.total()))
                .onSuccess(PaymentCaptured.class)
                .onFailure(PaymentCaptureFailed.class)
                .timeout(REPLY_TIMEOUT)
                .retry(UNTIL_DONE)
                .step("allocate inventory")
                .kind(RETRIABLE) // ADR 6
                .invoke(INVENTORY_COMMANDS, order -> new AllocateInventory(order.orderId()))
                .onSuccess(InventoryAllocated.class)
                .timeout(REPLY_TIMEOUT)
                .retry(UNTIL_DONE)
                .step("send order confirmation")
                .kind(RETRIABLE)
                .invoke(
                        NOTIFICATION_COMMANDS,
                        order ->
                                new SendOrderConfirmation(order.orderId(), order.email(), order.lines(), order.total()))
                .onSuccess(OrderConfirmationSent.class)
                .onRetryableFailure(OrderConfirmationFailed.class)
                .onFailure(OrderConfirmationUndeliverable.class) // the saga waits for an operator
                .timeout(MAIL_TIMEOUT)
                .retry(UNTIL_DONE);
    }

    private OrderSaga() {}
}
