@NullMarked
package io.sagaline.shipment.internal;

import org.jspecify.annotations.NullMarked;
