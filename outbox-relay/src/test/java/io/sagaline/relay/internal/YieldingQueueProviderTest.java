package io.sagaline.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.connector.base.ChangeEventQueue;
import io.debezium.pipeline.Sizeable;
import io.debezium.util.LoggingContext;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class YieldingQueueProviderTest {

    private record Change(int id) implements Sizeable {
        @Override
        public long objectSize() {
            return 16;
        }
    }

    @Test
    void aThirdEmptyLookWithinOneMillisecondReturnsOnlyInTheNext() {
        YieldingQueueProvider<Change> queue = new YieldingQueueProvider<>();
        for (int attempt = 0; attempt < 20; attempt++) {
            long before = System.currentTimeMillis();
            for (int look = 0; look < YieldingQueueProvider.LOOKS_THAT_MARK_A_SPIN; look++) {
                assertThat(queue.size()).isZero();
            }
            assertThat(System.currentTimeMillis()).as("attempt %d", attempt).isGreaterThan(before);
        }
    }

    @Test
    void keepsRecordsInOrderAndCountsThem() throws InterruptedException {
        YieldingQueueProvider<Change> queue = new YieldingQueueProvider<>();
        queue.enqueue(new Change(1));
        queue.enqueue(new Change(2));

        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.poll()).isEqualTo(new Change(1));
        assertThat(queue.poll()).isEqualTo(new Change(2));
        assertThat(queue.poll()).isNull();
        assertThat(queue.name()).isEqualTo("sagaline-yielding");
    }

    @Test
    void debeziumQueueDeliversWhatWasEnqueuedThroughIt() throws InterruptedException {
        ChangeEventQueue<Change> queue = queue(Duration.ofMillis(5));
        queue.enqueue(new Change(1));
        queue.enqueue(new Change(2));

        assertThat(queue.poll()).containsExactly(new Change(1), new Change(2));
        assertThat(queue.poll()).isEmpty();
    }

    /**
     * With a 1 ms poll interval, Debezium's own queue spins for about half of every window; this
     * one leaves the CPU idle. Under CPU contention the share only falls, so the bound is safe on a
     * busy machine.
     */
    @Test
    void anIdleDebeziumQueueSleepsInsteadOfSpinning() throws InterruptedException {
        ChangeEventQueue<Change> queue = queue(Duration.ofMillis(1));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        queue.poll();

        long cpuBefore = threads.getCurrentThreadCpuTime();
        long wallBefore = System.nanoTime();
        for (int window = 0; window < 300; window++) {
            List<Change> batch = queue.poll();
            assertThat(batch).isEmpty();
        }
        double cpuShare = (double) (threads.getCurrentThreadCpuTime() - cpuBefore) / (System.nanoTime() - wallBefore);

        assertThat(cpuShare)
                .as("share of one core while polling an empty queue")
                .isLessThan(0.25);
    }

    private static ChangeEventQueue<Change> queue(Duration pollInterval) {
        return new ChangeEventQueue.Builder<Change>()
                .pollInterval(pollInterval)
                .maxBatchSize(2048)
                .maxQueueSize(8192)
                .loggingContextSupplier(() -> LoggingContext.forConnector("postgresql", "test", "streaming"))
                .queueProvider(new YieldingQueueProvider<>())
                .build();
    }
}
