/**
 * The stateful side of the saga engine: each event (a start, a reply from Kafka, a passed
 * deadline, an operator's action) is applied in one local transaction that records the inbox
 * entry, loads the saga, runs {@link io.sagaline.orchestrator.saga.SagaEngine#apply}, stores the
 * new state with a version check, writes the commands to the outbox and appends the step log.
 * {@link io.sagaline.orchestrator.runtime.Sagas} is the entry point; a saga type plugs in through
 * {@link io.sagaline.orchestrator.runtime.SagaType}.
 */
@NullMarked
package io.sagaline.orchestrator.runtime;

import org.jspecify.annotations.NullMarked;
