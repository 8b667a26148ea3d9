package io.sagaline.messaging;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sagaline.saga.*}: the saga settings every service reads under the same names.
 *
 * @param maxDuration the longest a saga may take to reach its pivot. The orchestrator refuses to
 *     start with a definition that can take longer (every reply coming last, every resend within
 *     its patience), and participants refuse to start with holds or reservations that can expire
 *     sooner; together they keep a hold alive until its capture.
 */
@ConfigurationProperties("sagaline.saga")
public record SagaProperties(@DefaultValue("30m") Duration maxDuration) {

    public SagaProperties {
        if (maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("sagaline.saga.max-duration must be positive, got " + maxDuration);
        }
    }
}
