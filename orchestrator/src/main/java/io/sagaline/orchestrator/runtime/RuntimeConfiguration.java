package io.sagaline.orchestrator.runtime;

import io.sagaline.messaging.SagaProperties;
import io.sagaline.orchestrator.saga.SagaEngine;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties({OrchestratorProperties.class, SagaProperties.class})
class RuntimeConfiguration {

    @Bean
    SagaEngine sagaEngine() {
        return SagaEngine.withRandomness();
    }
}
