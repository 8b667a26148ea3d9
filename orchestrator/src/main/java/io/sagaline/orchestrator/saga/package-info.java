/**
 * A generic saga engine without infrastructure. A {@link io.sagaline.orchestrator.saga.SagaDefinition}
 * lists a saga's steps top to bottom; a {@link io.sagaline.orchestrator.saga.SagaState} says where
 * one instance stands; {@link io.sagaline.orchestrator.saga.SagaEngine#apply} turns one {@link
 * io.sagaline.orchestrator.saga.SagaEvent} into the next state and the {@link
 * io.sagaline.orchestrator.saga.SagaEffect}s to carry out. Nothing here reads a clock, a database or
 * Kafka: the caller persists the state and writes the effects in one local transaction.
 */
@NullMarked
package io.sagaline.orchestrator.saga;

import org.jspecify.annotations.NullMarked;
