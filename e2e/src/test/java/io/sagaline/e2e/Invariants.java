package io.sagaline.e2e;

import io.sagaline.e2e.Shop.Placed;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The one checker of the end-to-end suite: reads every service's database and the mail server,
 * and lists every way in which the system's state does not match the outcome of its sagas. An
 * empty list means consistent.
 *
 * <ul>
 *   <li>every saga is final, and its order is APPROVED exactly when it COMPLETED;
 *   <li>an approved order is captured once for its exact total, its units are ALLOCATED to it,
 *       its shipment is active and exactly one confirmation mail went out;
 *   <li>a rejected order has no charge, no active hold, no unit, no active shipment and no mail;
 *   <li>across the system: no active hold, reserved unit or active shipment without an approved
 *       order, and every SKU still has the units it started with.
 * </ul>
 */
final class Invariants {

    private final Sagaline system;
    private final Map<String, Long> stockAtStart;

    private Invariants(Sagaline system, Map<String, Long> stockAtStart) {
        this.system = system;
        this.stockAtStart = stockAtStart;
    }

    /** Remembers the stock now, to check later that no unit was lost or made. */
    static Invariants of(Sagaline system) {
        return new Invariants(system, stock(system));
    }

    /** What is wrong after {@code orders}, all this system's orders since {@link #of}. */
    List<String> violations(Collection<Placed> orders) {
        List<String> violations = new ArrayList<>();
        Map<String, Integer> mails = mailsByOrder();
        int approved = 0;
        long approvedTotal = 0;
        for (Placed order : orders) {
            String status = orderStatus(order, violations);
            if ("APPROVED".equals(status)) {
                approved++;
                approvedTotal += order.total();
                checkApproved(order, mails, violations);
            } else if ("REJECTED".equals(status)) {
                checkRejected(order, mails, violations);
            }
        }
        checkSystem(approved, approvedTotal, violations);
        return violations;
    }

    private String orderStatus(Placed order, List<String> violations) {
        var row = jdbc(Service.ORCHESTRATOR)
                .sql("""
                        SELECT s.status AS saga, o.status AS orders, o.total_minor FROM orders o
                        JOIN saga_instance s ON s.id = o.saga_id WHERE o.id = :id
                        """)
                .param("id", order.orderId())
                .query((rows, n) -> new String[] {rows.getString("saga"), rows.getString("orders"), rows.getString(3)})
                .optional();
        if (row.isEmpty()) {
            violations.add(order.orderId() + ": no order in the orchestrator");
            return "";
        }
        String saga = row.get()[0];
        String status = row.get()[1];
        if (!saga.equals("COMPLETED") && !saga.equals("COMPENSATED")) {
            violations.add(order.orderId() + ": saga left " + saga);
        }
        String expected = saga.equals("COMPLETED") ? "APPROVED" : saga.equals("COMPENSATED") ? "REJECTED" : "?";
        if (!status.equals(expected)) {
            violations.add(order.orderId() + ": order " + status + " but saga " + saga);
        }
        if (Long.parseLong(row.get()[2]) != order.total()) {
            violations.add(order.orderId() + ": total " + row.get()[2] + ", placed " + order.total());
        }
        return status;
    }

    private void checkApproved(Placed order, Map<String, Integer> mails, List<String> violations) {
        UUID id = order.orderId();
        Optional<String> hold = single(Service.PAYMENT, "SELECT status FROM hold WHERE order_id = :id", id);
        if (!hold.equals(Optional.of("CAPTURED"))) {
            violations.add(id + ": approved, hold " + hold.orElse("missing"));
        }
        Optional<String> charge =
                single(Service.PAYMENT, "SELECT status || ' ' || amount FROM charge WHERE order_id = :id", id);
        if (!charge.equals(Optional.of("CHARGED " + order.total()))) {
            violations.add(id + ": approved for " + order.total() + ", charge " + charge.orElse("missing"));
        }
        Map<String, Integer> allocated = new HashMap<>();
        jdbc(Service.INVENTORY)
                .sql("SELECT sku, status, count(*) AS units FROM unit WHERE order_id = :id GROUP BY sku, status")
                .param("id", id)
                .query(rows -> {
                    if (!rows.getString("status").equals("ALLOCATED")) {
                        violations.add(id + ": approved, " + rows.getInt("units") + " units of " + rows.getString("sku")
                                + " " + rows.getString("status"));
                    } else {
                        allocated.put(rows.getString("sku"), rows.getInt("units"));
                    }
                });
        if (!allocated.equals(order.quantities())) {
            violations.add(id + ": approved for " + order.quantities() + ", allocated " + allocated);
        }
        Optional<String> shipment = single(Service.SHIPMENT, "SELECT status FROM shipment WHERE order_id = :id", id);
        if (!shipment.equals(Optional.of("ACTIVE"))) {
            violations.add(id + ": approved, shipment " + shipment.orElse("missing"));
        }
        Optional<String> notification =
                single(Service.NOTIFICATION, "SELECT status FROM notification WHERE order_id = :id", id);
        if (!notification.equals(Optional.of("SENT"))) {
            violations.add(id + ": approved, notification " + notification.orElse("missing"));
        }
        int sent = mails.getOrDefault(id.toString(), 0);
        if (sent != 1) {
            violations.add(id + ": approved, " + sent + " confirmation mails");
        }
    }

    private void checkRejected(Placed order, Map<String, Integer> mails, List<String> violations) {
        UUID id = order.orderId();
        single(Service.PAYMENT, "SELECT status FROM hold WHERE order_id = :id", id)
                .filter(status -> !status.equals("VOIDED") && !status.equals("EXPIRED"))
                .ifPresent(status -> violations.add(id + ": rejected, hold " + status));
        single(Service.PAYMENT, "SELECT status FROM charge WHERE order_id = :id", id)
                .ifPresent(status -> violations.add(id + ": rejected, charge " + status));
        single(Service.INVENTORY, "SELECT count(*)::text FROM unit WHERE order_id = :id", id)
                .filter(units -> !units.equals("0"))
                .ifPresent(units -> violations.add(id + ": rejected, " + units + " units still held"));
        single(Service.SHIPMENT, "SELECT status FROM shipment WHERE order_id = :id", id)
                .filter(status -> !status.equals("CANCELLED"))
                .ifPresent(status -> violations.add(id + ": rejected, shipment " + status));
        single(Service.NOTIFICATION, "SELECT status FROM notification WHERE order_id = :id", id)
                .ifPresent(status -> violations.add(id + ": rejected, notification " + status));
        if (mails.containsKey(id.toString())) {
            violations.add(id + ": rejected, " + mails.get(id.toString()) + " confirmation mails");
        }
    }

    private void checkSystem(int approved, long approvedTotal, List<String> violations) {
        long activeHolds = count(Service.PAYMENT, "SELECT count(*) FROM hold WHERE status = 'ACTIVE'");
        if (activeHolds != 0) {
            violations.add(activeHolds + " holds still ACTIVE");
        }
        long charges = count(Service.PAYMENT, "SELECT count(*) FROM charge WHERE status = 'CHARGED'");
        long charged = count(Service.PAYMENT, "SELECT coalesce(sum(amount), 0) FROM charge WHERE status = 'CHARGED'");
        if (charges != approved || charged != approvedTotal) {
            violations.add(charges + " charges of " + charged + " in all for " + approved + " approved orders of "
                    + approvedTotal);
        }
        long reserved = count(Service.INVENTORY, "SELECT count(*) FROM unit WHERE status = 'RESERVED'");
        if (reserved != 0) {
            violations.add(reserved + " units still RESERVED");
        }
        long shipments = count(Service.SHIPMENT, "SELECT count(*) FROM shipment WHERE status = 'ACTIVE'");
        if (shipments != approved) {
            violations.add(shipments + " active shipments for " + approved + " approved orders");
        }
        Map<String, Long> stock = stock(system);
        if (!stock.equals(stockAtStart)) {
            violations.add("stock changed from " + stockAtStart + " to " + stock);
        }
    }

    private Map<String, Integer> mailsByOrder() {
        Map<String, Integer> byOrder = new HashMap<>();
        for (MimeMessage mail : system.mails()) {
            try {
                String messageId = Objects.requireNonNullElse(mail.getMessageID(), "");
                // <order-{orderId}@domain>, stable per order (notification-svc)
                if (messageId.startsWith("<order-") && messageId.indexOf('@') > 7) {
                    byOrder.merge(messageId.substring(7, messageId.indexOf('@')), 1, Integer::sum);
                }
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return byOrder;
    }

    private static Map<String, Long> stock(Sagaline system) {
        Map<String, Long> stock = new HashMap<>();
        JdbcClient.create(system.dataSource(Service.INVENTORY))
                .sql("SELECT sku, count(*) AS units FROM unit GROUP BY sku")
                .query(rows -> {
                    stock.put(rows.getString("sku"), rows.getLong("units"));
                });
        return stock;
    }

    private Optional<String> single(Service service, String sql, UUID id) {
        return jdbc(service).sql(sql).param("id", id).query(String.class).optional();
    }

    private long count(Service service, String sql) {
        return jdbc(service).sql(sql).query(Long.class).single();
    }

    private JdbcClient jdbc(Service service) {
        return JdbcClient.create(system.dataSource(service));
    }
}
