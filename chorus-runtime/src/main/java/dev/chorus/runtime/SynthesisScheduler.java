package dev.chorus.runtime;

import dev.chorus.tts.OverloadedException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs text chunks on one bounded pool of platform threads per engine.
 *
 * <p>Design: each engine gets a fixed pool sized to its worker count, so engines never wait on each other and
 * synthesis never runs on I/O threads. The pool's queue orders tasks by (not-first-chunk, request sequence,
 * chunk index): the first chunk of any request jumps ahead of later chunks, which keeps time to first audio low
 * under load, and older requests otherwise finish first. Admission is bounded per engine by the number of
 * requests in progress; each request keeps only a small window of chunks queued (see {@code Synthesizer}), so
 * the queue is bounded too and nothing admitted is dropped. A request that finds its engine full may wait a
 * bounded time for a slot (first come, first served) before it is refused; the default is not to wait.
 */
public final class SynthesisScheduler implements AutoCloseable {

    private final Map<String, EnginePool> pools = new ConcurrentHashMap<>();
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final int maxPendingPerWorker;
    private final Duration admissionWait;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * Creates a scheduler that admits at most {@code maxPendingPerWorker} requests per engine worker and refuses
     * the rest at once.
     */
    public SynthesisScheduler(int maxPendingPerWorker) {
        this(maxPendingPerWorker, Duration.ZERO);
    }

    /**
     * Creates a scheduler that admits at most {@code maxPendingPerWorker} requests per engine worker; a request
     * beyond that waits up to {@code admissionWait} for a slot before it is refused.
     */
    public SynthesisScheduler(int maxPendingPerWorker, Duration admissionWait) {
        if (maxPendingPerWorker < 1) {
            throw new IllegalArgumentException("maxPendingPerWorker: " + maxPendingPerWorker + " (expected: >= 1)");
        }
        if (admissionWait == null || admissionWait.isNegative()) {
            throw new IllegalArgumentException("admissionWait: " + admissionWait + " (expected: >= 0)");
        }
        this.maxPendingPerWorker = maxPendingPerWorker;
        this.admissionWait = admissionWait;
    }

    /** Creates the pool for an engine with {@code workers} threads; call once per engine before use. */
    public void addEngine(String engineId, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: >= 1)");
        }
        pools.computeIfAbsent(engineId, id -> new EnginePool(id, workers, workers * maxPendingPerWorker));
    }

    long nextSequence() {
        return sequence.incrementAndGet();
    }

    /**
     * Admits one request on an engine; when the engine already has its maximum in progress, waits up to the
     * admission wait for a slot (blocking the caller), then refuses it.
     *
     * @throws OverloadedException when the engine stays full
     */
    void admit(String engineId) {
        EnginePool p = pool(engineId);
        if (p.slots.tryAcquire()) {
            return;
        }
        boolean admitted = false;
        if (admissionWait.isPositive()) {
            try {
                admitted = p.slots.tryAcquire(admissionWait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!admitted) {
            String waited = admissionWait.isPositive()
                    ? ", and no slot freed within " + admissionWait.toMillis() + " ms" : "";
            throw new OverloadedException("engine '" + engineId + "' is busy: " + p.pending()
                    + " requests in progress (limit " + p.maxPending + ")" + waited + "; retry shortly", RETRY_AFTER);
        }
    }

    /** Releases an admission taken with {@link #admit}. */
    void release(String engineId) {
        pool(engineId).slots.release();
    }

    /** Queues a chunk task on its engine's pool. */
    void execute(String engineId, ChunkTask task) {
        pool(engineId).executor.execute(task);
    }

    /** Returns the number of chunks being synthesized right now, across engines. */
    public int inFlight() {
        return pools.values().stream().mapToInt(p -> p.running.get()).sum();
    }

    /** Returns the number of chunks waiting for a worker, across engines. */
    public int queued() {
        return pools.values().stream().mapToInt(p -> p.executor.getQueue().size()).sum();
    }

    /** Returns the engines that have a pool. */
    public java.util.Set<String> engines() {
        return java.util.Set.copyOf(pools.keySet());
    }

    /** Returns the number of chunks an engine is synthesizing right now. */
    public int inFlight(String engineId) {
        return pool(engineId).running.get();
    }

    /** Returns the number of chunks waiting for one of an engine's workers. */
    public int queued(String engineId) {
        return pool(engineId).executor.getQueue().size();
    }

    /** Returns the number of worker threads of an engine. */
    public int workers(String engineId) {
        return pool(engineId).executor.getCorePoolSize();
    }

    /** Returns how many requests an engine admits at once before it refuses more as overloaded. */
    public int maxPendingRequests(String engineId) {
        return pool(engineId).maxPending;
    }

    /** Returns the number of admitted, unfinished requests on an engine. */
    public int pendingRequests(String engineId) {
        return pool(engineId).pending();
    }

    private EnginePool pool(String engineId) {
        EnginePool p = pools.get(engineId);
        if (p == null) {
            throw new IllegalArgumentException("engineId: " + engineId + " (expected one of: " + pools.keySet() + ")");
        }
        return p;
    }

    /** Stops every pool, interrupting running chunks. */
    @Override
    public void close() {
        pools.values().forEach(p -> p.executor.shutdownNow());
        for (EnginePool p : pools.values()) {
            try {
                p.executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A unit of work ordered first-chunk-first, then by request age, then by chunk index. */
    abstract static class ChunkTask implements Runnable, Comparable<ChunkTask> {
        final long requestSequence;
        final int chunkIndex;

        ChunkTask(long requestSequence, int chunkIndex) {
            this.requestSequence = requestSequence;
            this.chunkIndex = chunkIndex;
        }

        @Override
        public int compareTo(ChunkTask o) {
            int c = Boolean.compare(chunkIndex > 0, o.chunkIndex > 0);
            if (c != 0) {
                return c;
            }
            c = Long.compare(requestSequence, o.requestSequence);
            return c != 0 ? c : Integer.compare(chunkIndex, o.chunkIndex);
        }
    }

    private static final class EnginePool {
        final ThreadPoolExecutor executor;
        final Semaphore slots;
        final AtomicInteger running = new AtomicInteger();
        final int maxPending;

        EnginePool(String engineId, int workers, int maxPending) {
            this.maxPending = maxPending;
            // Fair, so requests that wait for a slot are admitted in arrival order.
            this.slots = new Semaphore(maxPending, true);
            AtomicInteger n = new AtomicInteger();
            ThreadFactory threads = r -> Thread.ofPlatform().daemon().name("chorus-" + engineId + "-" + n.incrementAndGet())
                    .unstarted(r);
            this.executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS,
                    new PriorityBlockingQueue<>(), threads) {
                @Override
                protected void beforeExecute(Thread t, Runnable r) {
                    running.incrementAndGet();
                }

                @Override
                protected void afterExecute(Runnable r, Throwable t) {
                    running.decrementAndGet();
                }
            };
            // Start every worker now so each task goes through the priority queue rather than to a new thread.
            executor.prestartAllCoreThreads();
        }

        int pending() {
            return maxPending - slots.availablePermits();
        }
    }
}
