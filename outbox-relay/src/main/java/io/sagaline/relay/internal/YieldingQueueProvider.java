package io.sagaline.relay.internal;

import io.debezium.connector.base.QueueProvider;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Debezium's in-memory change event queue, with one difference: where Debezium's poll loop would
 * spin, it sleeps.
 *
 * <p>{@code ChangeEventQueue.poll()} gathers a batch for one poll interval. Its timer counts whole
 * milliseconds and disagrees with itself at the last one: once exactly the interval has passed it
 * reports no time remaining but is not yet expired, so the loop neither waits nor returns and looks
 * at the empty queue again and again until the clock ticks over. That is up to a millisecond of
 * busy CPU in every poll window of every engine, most of the relay's cost while idle (ADR 3 and
 * ADR 15).
 *
 * <p>Every look goes through {@link #size()}. A thread that finds the queue empty a third time
 * within one millisecond, with nothing enqueued in between, is in that spin; it is put to sleep
 * until the next millisecond begins, when the timer expires and the poll returns. The normal
 * pattern, two looks and then a real wait, is untouched, and a record enqueued in between resets
 * the count. The caller holds the queue's lock while spinning or sleeping alike, so the producer
 * waits no longer than it did.
 *
 * <p>Selected with the public {@code queue.provider.type} setting and found through {@link
 * java.util.ServiceLoader}, so no Debezium class is replaced.
 */
public final class YieldingQueueProvider<T> implements QueueProvider<T> {

    /** The value of {@code queue.provider.type} that selects this queue. */
    public static final String NAME = "sagaline-yielding";

    /** Empty looks by one thread within one millisecond that mark the spin. */
    static final int LOOKS_THAT_MARK_A_SPIN = 3;

    /** Wakes a little after the tick rather than a little before it. */
    private static final long TICK_MARGIN_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    private final ArrayDeque<T> records = new ArrayDeque<>();

    private @Nullable Thread lookingThread;
    private long lookingMillis;
    private int emptyLooks;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void configure(Map<String, ?> config) {
        // Nothing to configure: capacity is bounded by ChangeEventQueue itself.
    }

    @Override
    public void enqueue(T record) {
        synchronized (this) {
            records.add(record);
            lookingThread = null;
        }
    }

    @Override
    public @Nullable T poll() {
        synchronized (this) {
            return records.poll();
        }
    }

    @Override
    public int size() {
        int size;
        boolean spinning;
        synchronized (this) {
            size = records.size();
            spinning = size == 0 && lookedEmptyAgain();
        }
        if (spinning) {
            sleepUntilTheNextMillisecond();
        }
        return size;
    }

    private boolean lookedEmptyAgain() {
        Thread caller = Thread.currentThread();
        long now = System.currentTimeMillis();
        if (caller == lookingThread && now == lookingMillis) {
            return ++emptyLooks >= LOOKS_THAT_MARK_A_SPIN;
        }
        lookingThread = caller;
        lookingMillis = now;
        emptyLooks = 1;
        return false;
    }

    /** Debezium's timer reads {@link System#currentTimeMillis()}; sleep past its next tick. */
    private static void sleepUntilTheNextMillisecond() {
        long intoThisMillisecond = Instant.now().getNano() % TimeUnit.MILLISECONDS.toNanos(1);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1) - intoThisMillisecond + TICK_MARGIN_NANOS);
    }
}
