package io.sagaline.inventory.internal;

import io.sagaline.messaging.SagaProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({InventoryProperties.class, SagaProperties.class})
class InventoryConfiguration {

    /** Fails the start when the TTL does not outlast the saga. */
    @Bean
    ReservationPolicy reservationPolicy(InventoryProperties inventory, SagaProperties saga) {
        return ReservationPolicy.of(inventory.reservationTtl(), saga.maxDuration());
    }
}
