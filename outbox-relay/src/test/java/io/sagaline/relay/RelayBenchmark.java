package io.sagaline.relay;

import io.sagaline.messaging.Envelope;
import io.sagaline.messaging.SagaId;
import io.sagaline.testing.KafkaServer;
import io.sagaline.testing.PostgresServer;
import io.sagaline.testing.TestInfrastructure;
import io.sagaline.testing.TestRelay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Measures the relay as a user runs it: the relay jar as its own process over the outboxes of N
 * services, writers committing outbox rows at a fixed total rate (open loop), and a Kafka consumer
 * timing each message from the writer's commit to its arrival. Prints throughput, latency
 * percentiles, and the relay's CPU while idle and under load.
 *
 * <p>The services' outboxes lie as the local run lays them out, one database with a schema per
 * service read by one engine ({@code layout=shared}), or in a database each, one engine per
 * database ({@code layout=separate}).
 *
 * <p>Arguments (all optional): {@code services=5 layout=shared rate=1000 seconds=30 warmup=5 idle=10
 * pollInterval=8ms maxBatchSize=2048 burst=20000}; the poll interval and batch size default to the
 * relay's own defaults. Run with {@code bench/relay} (docs/benchmarks.md).
 */
public final class RelayBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        int serviceCount = Integer.parseInt(options.getOrDefault("services", "5"));
        boolean shared = switch (options.getOrDefault("layout", "shared")) {
            case "shared" -> true;
            case "separate" -> false;
            default -> throw new IllegalArgumentException("layout must be shared or separate");
        };
        int rate = Integer.parseInt(options.getOrDefault("rate", "1000"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "30"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
        int idleSeconds = Integer.parseInt(options.getOrDefault("idle", "10"));
        int burst = Integer.parseInt(options.getOrDefault("burst", "20000"));
        String pollInterval = options.getOrDefault("pollInterval", "8ms");
        String maxBatchSize = options.getOrDefault("maxBatchSize", "2048");

        KafkaServer kafka = TestInfrastructure.kafka();
        String topic = PostgresServer.uniqueName("relaybench") + ".out";
        kafka.createTopics(6, topic);
        List<String> services = RelayFixture.SERVICES.subList(0, Math.min(serviceCount, RelayFixture.SERVICES.size()));
        String layout = shared ? "1 database, " + services.size() + " schemas" : services.size() + " databases";
        System.out.printf(
                "Relay benchmark: %s, %d msg/s in total, %d s (+%d s warm-up), poll interval %s, max batch %s%n",
                layout, rate, seconds, warmup, pollInterval, maxBatchSize);
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(
                "Machine: %d cores, %d GiB memory, %s %s; PostgreSQL, Kafka, relay and load generator on one host%n",
                os.getAvailableProcessors(),
                Math.round(os.getTotalMemorySize() / (double) (1L << 30)),
                os.getName(),
                os.getVersion());

        try (var fixture = new RelayFixture(
                        TestInfrastructure.postgres(), "relaybench", kafka.bootstrapServers(), services, shared);
                var probe = new LatencyProbe(kafka.bootstrapServers(), topic)) {
            System.out.println("[1/4] starting the relay process ...");
            TestRelay relay = fixture.startRelay(Map.of(
                    "SAGALINE_RELAY_POLL_INTERVAL", pollInterval, "SAGALINE_RELAY_MAX_BATCH_SIZE", maxBatchSize));
            probe.start();
            // Settle the engines and the consumer group before anything is timed.
            writeAtRate(fixture, topic, rate, 2, probe, false);
            probe.awaitDrained(Duration.ofSeconds(30));

            System.out.printf("[2/4] idle CPU of the relay over %d s ...%n", idleSeconds);
            var cpu = new ProcessCpu(relay.process().pid());
            var idleBefore = cpu.sample();
            LockSupport.parkNanos(Duration.ofSeconds(idleSeconds).toNanos());
            var idle = ProcessCpu.shares(idleBefore, cpu.sample(), Duration.ofSeconds(idleSeconds));

            System.out.printf("[3/4] %d msg/s for %d s warm-up, then %d s measured ...%n", rate, warmup, seconds);
            writeAtRate(fixture, topic, rate, warmup, probe, false);
            probe.awaitDrained(Duration.ofSeconds(30));
            probe.reset();
            var loadBefore = cpu.sample();
            long loadStart = System.nanoTime();
            writeAtRate(fixture, topic, rate, seconds, probe, true);
            probe.awaitDrained(Duration.ofSeconds(60));
            Duration loadWall = Duration.ofNanos(System.nanoTime() - loadStart);
            var load = ProcessCpu.shares(loadBefore, cpu.sample(), loadWall);
            Histogram latency = probe.histogram();

            System.out.printf("[4/4] burst of %d messages written as fast as possible ...%n", burst);
            double burstRate = burst(fixture, topic, burst, probe);

            System.out.println();
            System.out.println("| outboxes | poll interval | offered msg/s | delivered msg/s | p50 ms | p90 ms | p99 ms"
                    + " | max ms | relay CPU idle | relay CPU at load | burst drain msg/s |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
            System.out.printf(
                    "| %s | %s | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f%% | %.1f%% | %.0f |%n",
                    layout,
                    pollInterval,
                    rate,
                    latency.getTotalCount() / (loadWall.toNanos() / 1e9),
                    ms(latency, 50),
                    ms(latency, 90),
                    ms(latency, 99),
                    latency.getMaxValue() / 1000.0,
                    idle.get("relay") * 100,
                    load.get("relay") * 100,
                    burstRate);
            System.out.printf("CPU at load, share of one core: %s; idle: %s%n", percentages(load), percentages(idle));
            System.out.println("(latency from the writer's commit to the consumer's poll)");
        }
    }

    private static String percentages(Map<String, Double> shares) {
        StringBuilder text = new StringBuilder();
        shares.forEach((role, share) ->
                text.append(text.isEmpty() ? "" : ", ").append(role).append(String.format(" %.0f%%", share * 100)));
        return text.toString();
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Open-loop writes: one thread per database, each at its share of the rate. */
    private static void writeAtRate(
            RelayFixture fixture, String topic, int rate, int seconds, LatencyProbe probe, boolean progress) {
        List<RelayFixture.Service> services = fixture.services();
        long perDatabase = Math.max(1, rate / services.size());
        long intervalNanos = 1_000_000_000L / perDatabase;
        long total = perDatabase * seconds;
        AtomicLong written = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (RelayFixture.Service service : services) {
            writers.add(Thread.ofPlatform().start(() -> {
                SagaId saga = SagaId.random();
                long next = System.nanoTime();
                for (long i = 0; i < total; i++) {
                    LockSupport.parkNanos(next - System.nanoTime());
                    Envelope message = RelayFixture.message(saga, "Bench", (int) i);
                    probe.expect(message.messageId().value());
                    service.write(topic, message);
                    probe.committed(message.messageId().value());
                    written.incrementAndGet();
                    next += intervalNanos;
                }
            }));
        }
        long start = System.nanoTime();
        for (Thread writer : writers) {
            while (writer.isAlive()) {
                try {
                    writer.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (progress && writer.isAlive()) {
                    Histogram sofar = probe.peek();
                    System.out.printf(
                            "  %3.0f s: %,d written, %,d delivered, p50 %.1f ms, p99 %.1f ms%n",
                            (System.nanoTime() - start) / 1e9,
                            written.get(),
                            sofar.getTotalCount(),
                            ms(sofar, 50),
                            ms(sofar, 99));
                }
            }
        }
    }

    /** Writes {@code count} messages in transactions of 100 from all databases, and times the drain. */
    private static double burst(RelayFixture fixture, String topic, int count, LatencyProbe probe) {
        probe.reset();
        List<RelayFixture.Service> services = fixture.services();
        int perDatabase = count / services.size();
        long start = System.nanoTime();
        List<Thread> writers = new ArrayList<>();
        for (RelayFixture.Service service : services) {
            writers.add(Thread.ofPlatform().start(() -> {
                SagaId saga = SagaId.random();
                for (int i = 0; i < perDatabase; i += 100) {
                    int from = i;
                    service.inTransaction(status -> {
                        for (int j = from; j < Math.min(from + 100, perDatabase); j++) {
                            Envelope message = RelayFixture.message(saga, "Burst", j);
                            probe.expect(message.messageId().value());
                            service.outbox().append(topic, message);
                        }
                    });
                }
            }));
        }
        writers.forEach(RelayBenchmark::join);
        probe.awaitDrained(Duration.ofSeconds(120));
        return perDatabase * services.size() / ((System.nanoTime() - start) / 1e9);
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected name=value, got " + arg);
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return options;
    }

    /** Times each message from its commit to its arrival at a Kafka consumer. */
    static final class LatencyProbe implements AutoCloseable {

        private static final long PENDING = Long.MIN_VALUE;

        private final Map<UUID, Long> committedAt = new ConcurrentHashMap<>();
        private final Recorder recorder = new Recorder(3);
        private final Histogram total = new Histogram(3);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final KafkaConsumer<String, String> consumer;
        private final String topic;
        private Thread thread;

        LatencyProbe(String bootstrap, String topic) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "relay-bench-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            this.consumer = new KafkaConsumer<>(props);
            this.topic = topic;
        }

        void start() {
            consumer.subscribe(List.of(topic));
            // Join the group before anything is timed: with offset reset "latest", messages
            // committed before the assignment would never arrive.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.assignment().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the latency probe got no partition of " + topic);
                }
                consumer.poll(Duration.ofMillis(100));
            }
            thread = Thread.ofPlatform().name("latency-probe").daemon(true).start(() -> {
                while (running.get()) {
                    for (var record : consumer.poll(Duration.ofMillis(100))) {
                        long arrived = System.nanoTime();
                        UUID id = RelayFixture.CODEC
                                .decode(record.value())
                                .messageId()
                                .value();
                        Long committed = committedAt.remove(id);
                        if (committed != null) {
                            // Arrived before the writer saw its commit return: as good as no delay.
                            long micros = committed == PENDING ? 1 : Math.max(1, (arrived - committed) / 1_000);
                            recorder.recordValue(micros);
                        }
                    }
                }
            });
        }

        /** Registers a message about to be written, so its arrival is awaited. */
        void expect(UUID id) {
            committedAt.put(id, PENDING);
        }

        /** Starts the clock of a message whose transaction has just committed. */
        void committed(UUID id) {
            committedAt.replace(id, PENDING, System.nanoTime());
        }

        void awaitDrained(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!committedAt.isEmpty() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            if (!committedAt.isEmpty()) {
                throw new IllegalStateException(committedAt.size() + " messages did not arrive within " + timeout);
            }
        }

        synchronized Histogram peek() {
            total.add(recorder.getIntervalHistogram());
            return total.copy();
        }

        synchronized Histogram histogram() {
            return peek();
        }

        synchronized void reset() {
            recorder.reset();
            total.reset();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join();
            }
            consumer.close();
        }
    }
}
