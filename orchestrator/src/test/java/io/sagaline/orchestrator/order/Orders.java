package io.sagaline.orchestrator.order;

import io.sagaline.messaging.contract.Address;
import io.sagaline.messaging.contract.InventoryMessages.InventoryAllocated;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReleased;
import io.sagaline.messaging.contract.InventoryMessages.InventoryReserved;
import io.sagaline.messaging.contract.Money;
import io.sagaline.messaging.contract.NotificationMessages.OrderConfirmationSent;
import io.sagaline.messaging.contract.OrderLine;
import io.sagaline.messaging.contract.PaymentMessages.AuthorizationVoided;
import io.sagaline.messaging.contract.PaymentMessages.PaymentAuthorized;
import io.sagaline.messaging.contract.PaymentMessages.PaymentCaptured;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentCancelled;
import io.sagaline.messaging.contract.ShipmentMessages.ShipmentScheduled;
import io.sagaline.orchestrator.saga.SagaRun;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One order and the replies its participants give. */
final class Orders {

    static final UUID ORDER_ID = UUID.fromString("6f1c2c4e-5d7a-4b8e-9f00-1234567890ab");
    static final UUID AUTHORIZATION_ID = UUID.fromString("a0000000-0000-4000-8000-000000000001");
    static final UUID SHIPMENT_ID = UUID.fromString("50000000-0000-4000-8000-000000000001");
    static final List<UUID> UNIT_IDS = List.of(
            UUID.fromString("c0000000-0000-4000-8000-000000000001"),
            UUID.fromString("c0000000-0000-4000-8000-000000000002"),
            UUID.fromString("c0000000-0000-4000-8000-000000000003"));
    static final List<OrderLine> LINES =
            List.of(new OrderLine("SKU-1", 2, Money.of(1250, "EUR")), new OrderLine("SKU-2", 1, Money.of(500, "EUR")));
    static final Money TOTAL = Money.of(3000, "EUR");
    static final Address ADDRESS = new Address("DE", "BE", "Berlin", "Unter den Linden 1", "10117");
    static final String EMAIL = "ada@example.org";
    static final OrderData ORDER = OrderData.placed(ORDER_ID, "customer-1", LINES, "EUR", ADDRESS, EMAIL);

    private Orders() {}

    /** The order saga, started: the order created, the payment authorization sent. */
    static SagaRun<OrderData> started() {
        return SagaRun.given(OrderSaga.V1, ORDER).start();
    }

    /** The order saga, version 2, started: the order created, its first group's three commands sent. */
    static SagaRun<OrderData> startedOnV2() {
        return SagaRun.given(OrderSaga.V2, ORDER).start();
    }

    /** The order saga with steps 1 to {@code step - 1} succeeded, awaiting step {@code step}'s reply. */
    static SagaRun<OrderData> awaiting(int step) {
        SagaRun<OrderData> saga = started();
        for (int done = 1; done < step; done++) {
            saga.reply(successOf(done));
        }
        return saga;
    }

    /** The reply with which step {@code step}'s participant says it succeeded. */
    static Record successOf(int step) {
        return switch (step) {
            case 1 -> new PaymentAuthorized(ORDER_ID, AUTHORIZATION_ID, TOTAL, Instant.parse("2026-11-21T12:00:00Z"));
            case 2 -> new InventoryReserved(ORDER_ID, UNIT_IDS);
            case 3 -> new ShipmentScheduled(ORDER_ID, SHIPMENT_ID, "DHL", "TRK-1");
            case 4 -> new PaymentCaptured(ORDER_ID, TOTAL);
            case 5 -> new InventoryAllocated(ORDER_ID, 3);
            case 6 -> new OrderConfirmationSent(ORDER_ID);
            default -> throw new IllegalArgumentException("no remote step " + step);
        };
    }

    /** The reply with which step {@code step}'s compensation says it is undone. */
    static Record compensationOf(int step) {
        return switch (step) {
            case 1 -> new AuthorizationVoided(ORDER_ID);
            case 2 -> new InventoryReleased(ORDER_ID, 3);
            case 3 -> new ShipmentCancelled(ORDER_ID);
            default -> throw new IllegalArgumentException("step " + step + " has no remote compensation");
        };
    }
}
