/**
 * inventory-svc: stock as individual units, reserved, released, allocated and expired for the
 * order saga. Everything but the application class lives in {@code internal}.
 */
@NullMarked
package io.sagaline.inventory;

import org.jspecify.annotations.NullMarked;
