/**
 * The commands and replies of the order saga, one record per message type. Commands are
 * imperative ({@code AuthorizePayment}), replies past tense ({@code PaymentAuthorized}). A
 * message's type on the wire is its record's simple name; {@link
 * io.sagaline.messaging.contract.MessageTypes} maps between the two. Every command is keyed by
 * order id: one order is one saga, and each participant keeps at most one of each thing
 * (hold, reservation, shipment, e-mail) per order.
 */
@NullMarked
package io.sagaline.messaging.contract;

import org.jspecify.annotations.NullMarked;
