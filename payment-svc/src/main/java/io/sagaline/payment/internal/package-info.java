/** The implementation of payment-svc; nothing here is used by other modules. */
@NullMarked
package io.sagaline.payment.internal;

import org.jspecify.annotations.NullMarked;
