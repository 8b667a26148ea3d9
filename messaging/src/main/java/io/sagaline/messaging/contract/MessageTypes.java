package io.sagaline.messaging.contract;

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
import io.sagaline.messaging.contract.OrderMessages.PlaceOrder;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizationVoided;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.messaging.contract.PaymentMessages.CapturePayment;
import io.sagaline.messaging.contract.PaymentMessages.PaymentAuthorized;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptureFailed;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptured;
import io.sagaline.messaging.contract.PaymentMessages.PaymentDeclined;
import io.sagaline.messaging.contract.PaymentMessages.PaymentRefundFailed;
import io.sagaline.messaging.contract.PaymentMessages.PaymentRefunded;
import io.sagaline.messaging.contract.PaymentMessages.RefundPayment;
import io.sagaline.messaging.contract.PaymentMessages.VoidAuthorization;
import io.sagaline.messaging.contract.ShipmentMessages.CancelShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ScheduleShipment;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentCancelled;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentFailed;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentScheduled;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every message type of the order saga, in one place. The type name on the wire is the record's
 * simple name; it never changes once published, so rename a record only together with a new type.
 */
public final class MessageTypes {

    private static final List<Class<? extends Record>> ALL = List.of(
            PlaceOrder.class,
            AuthorizePayment.class,
            CapturePayment.class,
            VoidAuthorization.class,
            RefundPayment.class,
            PaymentAuthorized.class,
            PaymentDeclined.class,
            PaymentCaptured.class,
            PaymentCaptureFailed.class,
            AuthorizationVoided.class,
            PaymentRefunded.class,
            PaymentRefundFailed.class,
            ReserveInventory.class,
            ReleaseInventory.class,
            AllocateInventory.class,
            InventoryReserved.class,
            InventoryReservationFailed.class,
            InventoryReleased.class,
            InventoryAllocated.class,
            ScheduleShipment.class,
            CancelShipment.class,
            ShipmentScheduled.class,
            ShipmentFailed.class,
            ShipmentCancelled.class,
            SendOrderConfirmation.class,
            OrderConfirmationSent.class,
            OrderConfirmationFailed.class,
            OrderConfirmationUndeliverable.class);

    private static final Map<String, Class<? extends Record>> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(Class::getSimpleName, Function.identity()));

    private MessageTypes() {}

    /** The wire name of a message record type. */
    public static String of(Class<? extends Record> type) {
        if (!BY_NAME.containsKey(type.getSimpleName())) {
            throw new IllegalArgumentException(type.getName() + " is not a Sagaline message type");
        }
        return type.getSimpleName();
    }

    /** The wire name of a message, which must be one of the message records. */
    public static String of(Object message) {
        if (!(message instanceof Record record)) {
            throw new IllegalArgumentException(message.getClass().getName() + " is not a Sagaline message type");
        }
        return of(record.getClass());
    }

    /** The record type of a wire name, empty for a type this version does not know. */
    public static Optional<Class<? extends Record>> named(String type) {
        return Optional.ofNullable(BY_NAME.get(type));
    }

    /**
     * The record type of a wire name if it belongs to {@code family}, such as one participant's
     * sealed command interface; empty for a type this version does not know or another family's.
     */
    public static <T> Optional<Class<? extends T>> named(String type, Class<T> family) {
        return named(type).filter(family::isAssignableFrom).map(found -> found.asSubclass(family));
    }
}
