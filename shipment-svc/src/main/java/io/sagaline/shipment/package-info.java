/**
 * The shipment participant of the order saga: books carriers with daily capacity per region and
 * cancels shipments as the compensation of that step.
 */
@NullMarked
package io.sagaline.shipment;

import org.jspecify.annotations.NullMarked;
