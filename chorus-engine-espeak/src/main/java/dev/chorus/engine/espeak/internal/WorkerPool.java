package dev.chorus.engine.espeak.internal;

import dev.chorus.tts.SynthesisCancelledException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lends library instances to one thread at a time: eSpeak NG keeps all its state in globals, so an instance is
 * never shared. With {@code espeak.isolation=lock} the pool holds a single instance and is exactly a lock around
 * it; with {@code copies} it holds one private copy per worker.
 *
 * <p>Design: a lock, one condition and a deque of idle instances. A borrower prefers an idle instance that already
 * has its voice loaded (switching voices costs a voice load and a warm-up run); otherwise it takes the most
 * recently returned one. {@link #close} refuses new borrowers, waits a bounded time for the lent instances, and
 * unloads what came back; an instance returned after that is unloaded on return.
 */
final class WorkerPool implements AutoCloseable {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<EspeakInstance> idle;
    private final int size;
    private final Duration closeTimeout;
    private boolean closed;
    private boolean drained;

    WorkerPool(List<EspeakInstance> instances, Duration closeTimeout) {
        this.idle = new ArrayDeque<>(instances);
        this.size = instances.size();
        this.closeTimeout = closeTimeout;
    }

    /** Returns how many instances the pool lends. */
    int size() {
        return size;
    }

    /**
     * Borrows an instance, waiting while all are lent, preferring one with {@code voice} loaded.
     *
     * @throws IllegalStateException        if the pool is closed
     * @throws SynthesisCancelledException if the thread is interrupted while waiting
     */
    EspeakInstance acquire(String voice) {
        lock.lock();
        try {
            while (!closed && idle.isEmpty()) {
                changed.await();
            }
            if (closed) {
                throw new IllegalStateException("espeak engine is closed");
            }
            for (EspeakInstance instance : idle) {
                if (voice.equals(instance.currentVoice())) {
                    idle.remove(instance);
                    return instance;
                }
            }
            return idle.removeFirst();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SynthesisCancelledException("interrupted while waiting for an eSpeak NG worker");
        } finally {
            lock.unlock();
        }
    }

    /** Returns a borrowed instance. */
    void release(EspeakInstance instance) {
        lock.lock();
        try {
            if (!drained) {
                idle.addFirst(instance);
                changed.signalAll();
                return;
            }
        } finally {
            lock.unlock();
        }
        instance.close();
    }

    /** Refuses new borrowers and unloads every instance, waiting up to the close timeout for lent ones. */
    @Override
    public void close() {
        List<EspeakInstance> toClose;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
            long remaining = closeTimeout.toNanos();
            while (idle.size() < size && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            drained = true;
            toClose = List.copyOf(idle);
            idle.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = true;
            toClose = List.copyOf(idle);
            idle.clear();
        } finally {
            lock.unlock();
        }
        toClose.forEach(EspeakInstance::close);
    }
}
