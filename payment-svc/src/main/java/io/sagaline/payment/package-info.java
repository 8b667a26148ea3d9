/** payment-svc: customer accounts with a credit limit, authorization holds, captures and refunds. */
@NullMarked
package io.sagaline.payment;

import org.jspecify.annotations.NullMarked;
