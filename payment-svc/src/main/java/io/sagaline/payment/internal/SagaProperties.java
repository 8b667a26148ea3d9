package io.sagaline.payment.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The saga settings every service reads under the same names.
 *
 * @param maxDuration the longest an order saga may run before the orchestrator gives up on it
 */
@ConfigurationProperties("sagaline.saga")
record SagaProperties(@DefaultValue("30m") Duration maxDuration) {}
