/**
 * The outbox relay: one Debezium embedded engine per service database reads committed outbox
 * inserts from the WAL and publishes each to the Kafka topic its row names, keyed by saga id.
 * Delivery is at least once; consumers deduplicate with the inbox.
 */
@NullMarked
package io.sagaline.relay;

import org.jspecify.annotations.NullMarked;
