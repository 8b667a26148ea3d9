package io.sagaline.shipment.internal;

import io.sagaline.messaging.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Configuration;

/**
 * Settings under {@code sagaline.shipment}.
 *
 * @param commandsTopic the topic the commands arrive on
 * @param repliesTopic the topic the replies go to, through the outbox
 * @param consumerGroup the Kafka consumer group of every instance
 */
@ConfigurationProperties("sagaline.shipment")
record ShipmentProperties(
        @DefaultValue(Topics.SHIPMENT_COMMANDS) String commandsTopic,
        @DefaultValue(Topics.SAGA_REPLIES) String repliesTopic,
        @DefaultValue(ShipmentCommandListener.CONSUMER) String consumerGroup) {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ShipmentProperties.class)
    static class Registration {}
}
