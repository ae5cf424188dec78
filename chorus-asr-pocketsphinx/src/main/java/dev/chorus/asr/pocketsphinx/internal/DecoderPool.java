package dev.chorus.asr.pocketsphinx.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Lends decoders to one thread at a time, creating them on first need up to {@code size} (a decoder holds its
 * own copy of the model, tens of MiB, and takes a second or so to load).
 *
 * <p>Design: a lock, one condition and a deque of idle decoders. A borrower takes an idle one, else creates one
 * while fewer than {@code size} exist (outside the lock: loading is slow), else waits. {@link #close} refuses new
 * borrowers, waits a bounded time for the lent decoders and frees what came back; a decoder returned after that
 * is freed on return.
 */
final class DecoderPool implements AutoCloseable {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Decoder> idle = new ArrayDeque<>();
    private final Supplier<Decoder> factory;
    private final int size;
    private final Duration closeTimeout;
    private int created;
    private boolean closed;
    private boolean drained;
    private int idleClosed;

    DecoderPool(Supplier<Decoder> factory, int size, Duration closeTimeout) {
        if (size < 1) {
            throw new IllegalArgumentException("workers: " + size + " (expected: >= 1)");
        }
        this.factory = factory;
        this.size = size;
        this.closeTimeout = closeTimeout;
    }

    /** Adds a decoder made beforehand (the one that proved the model loads). */
    void seed(Decoder decoder) {
        lock.lock();
        try {
            idle.addFirst(decoder);
            created++;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Borrows a decoder, creating or waiting for one.
     *
     * @throws IllegalStateException if the pool is closed or the thread is interrupted while waiting
     */
    Decoder acquire() {
        lock.lock();
        try {
            while (!closed && idle.isEmpty() && created >= size) {
                changed.await();
            }
            if (closed) {
                throw new IllegalStateException("the PocketSphinx recognizer is closed");
            }
            if (!idle.isEmpty()) {
                return idle.removeFirst();
            }
            created++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a PocketSphinx decoder", e);
        } finally {
            lock.unlock();
        }
        try {
            return factory.get();
        } catch (RuntimeException | Error e) {
            lock.lock();
            try {
                created--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    /** Returns a borrowed decoder. */
    void release(Decoder decoder) {
        lock.lock();
        try {
            if (!drained) {
                idle.addFirst(decoder);
                changed.signalAll();
                return;
            }
        } finally {
            lock.unlock();
        }
        decoder.close();
    }

    /**
     * Refuses new borrowers and frees every decoder, waiting up to the close timeout for lent ones.
     *
     * @return whether every decoder came back (else the library must stay loaded for the ones still decoding)
     */
    boolean drain() {
        close();
        lock.lock();
        try {
            return idleClosed == created;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new borrowers and frees every decoder, waiting up to the close timeout for lent ones. */
    @Override
    public void close() {
        List<Decoder> toClose;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
            long remaining = closeTimeout.toNanos();
            while (idle.size() < created && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            drained = true;
            toClose = new ArrayList<>(idle);
            idleClosed = toClose.size();
            idle.clear();
            lock.unlock();
        }
        toClose.forEach(Decoder::close);
    }
}
