/**
 * The order behind the order saga: the {@code orders} table, placing an order over REST or Kafka,
 * and the saga's local steps (create the order, reject it) and its end (approve it).
 */
@NullMarked
package io.sagaline.orchestrator.order.internal;

import org.jspecify.annotations.NullMarked;
