package io.sagaline.orchestrator.runtime;

import org.jspecify.annotations.Nullable;

/**
 * What an operator's action did.
 *
 * @param applied whether the saga changed; {@code false} when the action is refused in its state
 * @param refusal why it was refused, when it was
 */
public record OperatorResult(boolean applied, @Nullable String refusal) {}
