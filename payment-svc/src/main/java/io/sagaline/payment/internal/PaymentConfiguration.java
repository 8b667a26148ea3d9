package io.sagaline.payment.internal;

import io.sagaline.messaging.SagaProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({PaymentProperties.class, SagaProperties.class})
@EnableScheduling
class PaymentConfiguration {

    @Bean
    HoldPolicy holdPolicy(PaymentProperties payment, SagaProperties saga) {
        return HoldPolicy.of(payment, saga);
    }
}
