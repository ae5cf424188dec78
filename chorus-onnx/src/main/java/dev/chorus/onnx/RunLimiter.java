package dev.chorus.onnx;

import dev.chorus.tts.SynthesisCancelledException;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A limit on simultaneous runs of one model: a run beyond the limit waits for a free slot (fairly, in arrival
 * order). One session is safe to run from many threads, but each run takes its own intra-op threads and memory, so
 * an engine bounds them per model version. Thread-safe.
 */
public final class RunLimiter {

    /** The work of one run. */
    @FunctionalInterface
    public interface Run<T, E extends Exception> {
        T run() throws E;
    }

    private final String model;
    private final int limit;
    private final Semaphore permits;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    /**
     * Creates a limiter.
     *
     * @param model the model, for the message when a wait is interrupted, e.g. {@code piper:x@2}
     * @param limit runs at the same time, >= 1
     */
    public RunLimiter(String model, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
        }
        this.model = model;
        this.limit = limit;
        this.permits = new Semaphore(limit, true);
    }

    /**
     * Runs {@code work} once a slot is free.
     *
     * @throws SynthesisCancelledException if the thread is interrupted while waiting; its interrupt flag is set
     */
    public <T, E extends Exception> T run(Run<T, E> work) throws E {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SynthesisCancelledException("interrupted while waiting to run " + model);
        }
        int now = running.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        try {
            return work.run();
        } finally {
            running.decrementAndGet();
            permits.release();
        }
    }

    /** Returns the limit. */
    public int limit() {
        return limit;
    }

    /** Returns how many runs are in progress now. */
    public int running() {
        return running.get();
    }

    /** Returns the most runs that were in progress at once. */
    public int peak() {
        return peak.get();
    }

    /** Returns how many threads wait for a slot now (an estimate). */
    public int waiting() {
        return permits.getQueueLength();
    }
}
