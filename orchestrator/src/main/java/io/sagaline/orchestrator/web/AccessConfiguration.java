package io.sagaline.orchestrator.web;

import io.sagaline.web.ClientRequests;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Who may call the orchestrator (the rules every service shares, {@code sagaline.security.*}):
 * a shop's client account may place orders; retry, abort and resolve need the operator.
 */
@Configuration(proxyBeanMethods = false)
class AccessConfiguration {

    @Bean
    ClientRequests placingOrders() {
        return ClientRequests.post("/api/orders");
    }
}
