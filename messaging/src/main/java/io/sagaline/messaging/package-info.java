/**
 * Message contracts and the plumbing every Sagaline service shares: the {@link
 * io.sagaline.messaging.Envelope}, topic and header names, the transactional {@link
 * io.sagaline.messaging.OutboxWriter}, the idempotent-consumer {@link io.sagaline.messaging.Inbox},
 * and dead-letter error handling for Kafka listeners. No business logic lives here.
 */
@NullMarked
package io.sagaline.messaging;

import org.jspecify.annotations.NullMarked;
