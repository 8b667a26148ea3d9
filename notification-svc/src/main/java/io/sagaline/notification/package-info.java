/**
 * notification-svc: the saga participant that sends an order's confirmation e-mail over SMTP, once
 * per order, and answers {@code SendOrderConfirmation} on the saga's reply topic.
 */
@NullMarked
package io.sagaline.notification;

import org.jspecify.annotations.NullMarked;
