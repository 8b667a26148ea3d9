package io.sagaline.e2e;

import io.sagaline.testing.DedicatedKafka;
import io.sagaline.testing.DedicatedPostgres;
import io.sagaline.testing.TestInfrastructure;
import java.time.Duration;

/**
 * The whole system on a Kafka broker and a PostgreSQL server of its own, so that a test may kill
 * them without disturbing any other, with stock for long streams of orders. Close it to stop the
 * system, then the servers.
 *
 * @param kafka the broker, to kill and start
 * @param postgres the server, to crash and start
 * @param system the system on them
 */
record OwnServers(DedicatedKafka kafka, DedicatedPostgres postgres, Sagaline system) implements AutoCloseable {

    /**
     * Starts the servers and the system with {@code orchestrators} orchestrator instances, stocks
     * it for {@code orders} orders, and waits until the relay streams: a crash should meet the
     * system in its stride.
     */
    static OwnServers start(String name, int orchestrators, int orders) {
        DedicatedKafka kafka = TestInfrastructure.dedicatedKafka(name + "-it");
        DedicatedPostgres postgres = null;
        try {
            postgres = TestInfrastructure.dedicatedPostgres(name + "-it");
            Sagaline system = Sagaline.start(name, postgres, kafka, orchestrators);
            var servers = new OwnServers(kafka, postgres, system);
            Stock.forLongStreams(system, orders);
            system.relay().awaitStreaming(Duration.ofMinutes(2));
            return servers;
        } catch (RuntimeException e) {
            if (postgres != null) {
                postgres.close();
            }
            kafka.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            system.close();
        } finally {
            try {
                postgres.close();
            } finally {
                kafka.close();
            }
        }
    }
}
