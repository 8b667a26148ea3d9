package io.sagaline.testing.internal;

import io.sagaline.testing.KafkaServer;

/** A Kafka cluster at a fixed address that something else keeps running. */
record StaticKafkaServer(String bootstrapServers) implements KafkaServer {}
