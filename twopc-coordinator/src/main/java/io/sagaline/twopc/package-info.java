/**
 * The two-phase-commit coordinator: the baseline the saga system is benchmarked against. It runs
 * the same checkout (order, payment, inventory, shipment) as one distributed transaction over
 * PostgreSQL's {@code PREPARE TRANSACTION}, behind the same HTTP shapes, so one load generator and
 * one seeding client drive both systems.
 *
 * <h2>Why it exists</h2>
 *
 * The saga trades atomicity for availability: each participant commits locally and compensates
 * later. Two-phase commit keeps atomicity, and pays for it with locks held across databases for the
 * whole protocol, one extra round trip per branch and phase, a durable decision write, and, when
 * the coordinator dies between the phases, prepared transactions that keep their locks until it
 * comes back. This module measures that price on the same schemas and contention points: the
 * account row ({@code FOR UPDATE}, then the sum of its charges), unit picks ({@code FOR UPDATE SKIP
 * LOCKED}), and the per-carrier, per-day booking counter.
 *
 * <h2>One order</h2>
 *
 * {@code POST /api/orders} is synchronous. The coordinator takes one of {@code max-in-flight}
 * permits, opens a local transaction on each branch database (orders, payment, inventory,
 * shipment, in that order) and does each branch's work there: the APPROVED order row (which claims
 * the {@code Idempotency-Key}), the charge, the allocated units, the carrier slot and shipment. If a
 * branch refuses, every branch is rolled back (nothing is prepared yet) and the order is recorded
 * REJECTED with the reason in a local transaction of its own. Otherwise:
 *
 * <ol>
 *   <li>phase one: {@code PREPARE TRANSACTION 'sagaline-2pc:<coordinatorId>:<orderId>:<branch>'} on
 *       each branch; if one fails, the prepared ones get {@code ROLLBACK PREPARED} and the order is
 *       REJECTED;
 *   <li>the COMMIT decision is written to the log database in a committed transaction of its own;
 *   <li>phase two: {@code COMMIT PREPARED} on each branch; the decision is marked completed later,
 *       in batches.
 * </ol>
 *
 * Presumed abort: only COMMIT decisions are logged; a prepared branch whose global transaction has
 * no decision is rolled back. A second request with the same key answers the stored order. An
 * order that was rolled back without being recorded (a crash before the decision) has no row, so
 * its key, sent again, places it again.
 *
 * <h2>Crash point</h2>
 *
 * With {@code sagaline.twopc.halt-after-prepared=N} the process halts ({@code
 * Runtime.halt(137)}: no shutdown hooks, as {@code kill -9}) when the N-th global transaction
 * reaches {@code sagaline.twopc.halt-point}: {@code AFTER_PREPARE} (all branches prepared, no
 * decision) or {@code AFTER_DECISION} (decision logged, nothing committed). Every other global
 * transaction is left wherever it stands. It logs a line starting {@code HALT at} first.
 *
 * <h2>Recovery</h2>
 *
 * On every start, before it serves (and before {@code /actuator/health} answers UP), the
 * coordinator lists its own gids ({@code sagaline-2pc:<coordinatorId>:} prefix) in {@code
 * pg_prepared_xacts} of each branch database, commits those whose global transaction has a COMMIT
 * decision and rolls back the others, then marks its decisions completed. {@code GET /api/recovery}
 * reports the counts. While it runs, a resolver does the same every {@code resolve-interval} for
 * branches the process itself left prepared (a failed {@code COMMIT PREPARED}, say). Coordinators
 * sharing the databases need distinct ids; two processes with one id are not supported.
 *
 * <h2>Running it</h2>
 *
 * Five PostgreSQL databases (by default {@code twopc_orders}, {@code twopc_payment}, {@code
 * twopc_inventory}, {@code twopc_shipment}, {@code twopc_log} on {@code localhost:5432}, each owned
 * by a role of its name with password {@code SAGALINE_DB_PASSWORD}, {@code sagaline} under the
 * {@code local} profile); the coordinator migrates them itself. Their servers need {@code
 * max_prepared_transactions} of at least 4 x {@code max-in-flight} per coordinator (it refuses to
 * start at 0 and warns when it is lower). Settings, under {@code sagaline.twopc}: {@code
 * coordinator-id} ({@code c1}), {@code databases.<orders|payment|inventory|shipment|log>.url},
 * {@code .username}, {@code .password} (also as environment variables such as {@code
 * SAGALINE_TWOPC_DATABASES_ORDERS_URL}), {@code pool-size} (32 per pool), {@code max-in-flight}
 * (48), {@code halt-after-prepared} (0, off), {@code halt-point} ({@code AFTER_PREPARE}), {@code
 * resolve-interval} ({@code 10s}); {@code server.port} is 8090.
 */
@NullMarked
package io.sagaline.twopc;

import org.jspecify.annotations.NullMarked;
