package io.sagaline.relay.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.sagaline.relay.RelayProperties;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.producer.Producer;
import org.springframework.context.SmartLifecycle;

/** Starts one engine per configured database with the application, and stops them with it. */
final class Relay implements SmartLifecycle {

    private final List<RelayEngine> engines;
    private final ScheduledExecutorService restarts;
    private final Producer<String, String> producer;
    private volatile boolean running;

    Relay(RelayProperties properties, Producer<String, String> producer, MeterRegistry meters, Clock clock) {
        this.producer = producer;
        this.restarts = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("relay-restarts").daemon(true).factory());
        this.engines = properties.databases().stream()
                .map(database -> new RelayEngine(
                        database, properties, producer, new EngineStatus(database, meters), restarts, clock))
                .toList();
    }

    List<RelayEngine> engines() {
        return engines;
    }

    @Override
    public void start() {
        engines.forEach(RelayEngine::start);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        restarts.shutdownNow();
        engines.parallelStream().forEach(RelayEngine::stop);
        producer.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
