/**
 * The order saga: its data ({@link io.sagaline.orchestrator.order.OrderData}) and its definition
 * ({@link io.sagaline.orchestrator.order.OrderSaga}), run by the generic engine in {@code
 * io.sagaline.orchestrator.saga}.
 */
@NullMarked
package io.sagaline.orchestrator.order;

import org.jspecify.annotations.NullMarked;
