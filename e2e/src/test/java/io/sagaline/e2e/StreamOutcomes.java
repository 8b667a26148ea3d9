package io.sagaline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.e2e.OrderStream.Accepted;
import io.sagaline.e2e.OrderStream.Kind;
import io.sagaline.e2e.Shop.Placed;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What became of the orders of an {@link OrderStream}, read from the orchestrator's database in a
 * few queries instead of one API call per saga: streams run to hundreds of orders.
 */
final class StreamOutcomes {

    private static final String FINAL =
            "('COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED', 'COMPLETION_FAILED', 'RESOLVED')";

    private final JdbcClient orchestrator;

    StreamOutcomes(Sagaline system) {
        this.orchestrator = JdbcClient.create(system.dataSource(Service.ORCHESTRATOR));
    }

    /** Waits until every order's saga is final; fails with the first unfinished ones if not. */
    void awaitFinal(List<Accepted> orders, String what, Duration timeout) {
        if (orders.isEmpty()) {
            return;
        }
        List<UUID> sagas = sagaIds(orders);
        try {
            await(what + " final")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> orchestrator
                                    .sql("SELECT count(*) FROM saga_instance WHERE status NOT IN " + FINAL
                                            + " AND id IN (:ids)")
                                    .param("ids", sagas)
                                    .query(Long.class)
                                    .single()
                            == 0);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    what + " not final within " + timeout.toSeconds() + " s; unfinished: " + unfinished(sagas), e);
        }
    }

    /**
     * What every stream of orders must end with, however it was disturbed: each saga as its order
     * calls for, each accepted order in the orchestrator once (a POST sent again with its key
     * placed nothing twice), no message dead-lettered ({@code deadLetters}, counted by the caller
     * before any later stream adds to it), and the invariant checker's agreement over {@code
     * placed}, every order placed so far.
     */
    void assertEndedRight(List<Accepted> orders, Collection<Placed> placed, long deadLetters, Invariants invariants) {
        assertThat(wrong(orders))
                .as("sagas of the stream that did not end as their order calls for")
                .isEmpty();
        assertThat(ordersInAll())
                .as("orders in the orchestrator: each accepted one once, none twice for a POST sent again")
                .isEqualTo(placed.stream().map(Placed::orderId).distinct().count());
        assertThat(deadLetters)
                .as("messages dead-lettered: a crash may delay a message, never make it unhandleable")
                .isZero();
        assertThat(invariants.violations(placed)).isEmpty();
    }

    /** Every order whose saga did not end as its kind calls for, with how it ended instead. */
    List<String> wrong(List<Accepted> orders) {
        Map<UUID, Kind> kinds =
                orders.stream().collect(Collectors.toMap(order -> order.placed().orderId(), Accepted::kind));
        List<String> wrong = new ArrayList<>();
        orchestrator.sql("""
                        SELECT o.id, s.status AS saga, o.status AS status, o.reason FROM orders o
                        JOIN saga_instance s ON s.id = o.saga_id WHERE o.id IN (:ids)
                        """).param("ids", kinds.keySet()).query(rows -> {
            UUID id = rows.getObject("id", UUID.class);
            Kind kind = Objects.requireNonNull(kinds.remove(id));
            String saga = rows.getString("saga");
            String status = rows.getString("status");
            String reason = Objects.requireNonNullElse(rows.getString("reason"), "");
            boolean right = kind.failure == null
                    ? saga.equals("COMPLETED") && status.equals("APPROVED")
                    : saga.equals("COMPENSATED") && status.equals("REJECTED") && reason.startsWith(kind.failure);
            if (!right) {
                wrong.add(id + " (" + kind + "): saga " + saga + ", order " + status + ", reason " + reason);
            }
        });
        kinds.forEach((id, kind) -> wrong.add(id + " (" + kind + "): not in the orchestrator"));
        return wrong;
    }

    /** How many of the orders' sagas ended in each status. */
    Map<String, Integer> statuses(List<Accepted> orders) {
        Map<String, Integer> counts = new TreeMap<>();
        orchestrator
                .sql("SELECT status, count(*) AS sagas FROM saga_instance WHERE id IN (:ids) GROUP BY status")
                .param("ids", sagaIds(orders))
                .query(rows -> {
                    counts.put(rows.getString("status"), rows.getInt("sagas"));
                });
        return counts;
    }

    /** When the last of the orders' sagas changed, by the database's clock: once all are final, when the last ended. */
    Instant lastChange(List<Accepted> orders) {
        return orchestrator
                .sql("SELECT max(updated_at) FROM saga_instance WHERE id IN (:ids)")
                .param("ids", sagaIds(orders))
                .query(Timestamp.class)
                .single()
                .toInstant();
    }

    /** The longest time from start to final state among the orders' sagas. */
    double slowestSagaSeconds(List<Accepted> orders) {
        return orchestrator
                .sql("SELECT coalesce(max(extract(epoch FROM updated_at - created_at)), 0) FROM saga_instance"
                        + " WHERE id IN (:ids)")
                .param("ids", sagaIds(orders))
                .query(Double.class)
                .single();
    }

    /** Every order the orchestrator holds, from every stream. */
    long ordersInAll() {
        return orchestrator.sql("SELECT count(*) FROM orders").query(Long.class).single();
    }

    private List<String> unfinished(List<UUID> sagas) {
        return orchestrator
                .sql("SELECT id, status, current_step, direction, attempt, deadline, last_error FROM saga_instance"
                        + " WHERE status NOT IN " + FINAL + " AND id IN (:ids) ORDER BY created_at LIMIT 20")
                .param("ids", sagas)
                .query((rows, n) -> rows.getString("id") + " " + rows.getString("status") + " at step "
                        + rows.getInt("current_step") + " " + rows.getString("direction") + ", attempt "
                        + rows.getInt("attempt") + ", deadline " + rows.getString("deadline") + ", last error "
                        + rows.getString("last_error"))
                .list();
    }

    private static List<UUID> sagaIds(List<Accepted> orders) {
        return orders.stream().map(order -> order.placed().sagaId()).toList();
    }
}
