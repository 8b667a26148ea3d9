package io.sagaline.inventory.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code sagaline.saga}, named the same in every service.
 *
 * @param maxDuration the longest an order saga runs before the orchestrator gives up on it
 */
@ConfigurationProperties("sagaline.saga")
record SagaProperties(@DefaultValue("30m") Duration maxDuration) {}
