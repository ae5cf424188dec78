package dev.chorus.runtime;

import dev.chorus.tts.OverloadedException;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs text chunks on one bounded pool of platform threads per engine, and decides which requests to admit.
 *
 * <p>Design: each engine gets a fixed pool sized to its worker count, so engines never wait on each other and
 * synthesis never runs on I/O threads. The pool's queue orders tasks by (higher priority, not-first-chunk,
 * request sequence, chunk index): among requests of one priority the first chunk of any request jumps ahead of
 * later chunks, which keeps time to first audio low under load, and older requests otherwise finish first. Each
 * request keeps only a small window of chunks queued (see {@code Synthesizer}), so the queue is bounded too and
 * nothing admitted is dropped.
 *
 * <p>Admission, per engine, in this order:
 * <ol>
 *   <li>Prediction: a moving estimate of worker time per character ({@link ServiceTimeEstimate}) times the
 *       characters not yet synthesized of the admitted requests at the same or a higher priority, divided by the
 *       workers, is the wait a new request can expect (none while fewer such requests than workers are
 *       admitted). If that wait exceeds its deadline, the queue-wait limit (when one is set), or the queue-wait
 *       ratio times the request's own predicted synthesis time (when one is set), it is refused at once with a
 *       Retry-After from the prediction, rather than left to time out later or to wait longer than it runs.</li>
 *   <li>Shedding: a request with a negative priority is refused once three quarters of the engine's slots are
 *       taken, which keeps the last quarter for normal and urgent work.</li>
 *   <li>Slots: at most {@code maxPendingPerWorker} requests per worker are in progress; a request that finds the
 *       engine full may wait a bounded time for a slot (first come, first served) before it is refused; the
 *       default is not to wait.</li>
 * </ol>
 */
public final class SynthesisScheduler implements AutoCloseable {

    private final Map<String, EnginePool> pools = new ConcurrentHashMap<>();
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** Share of an engine's slots that requests with a negative priority may take. */
    private static final double LOW_PRIORITY_SHARE = 0.75;

    private final int maxPendingPerWorker;
    private final Duration admissionWait;
    private final Duration maxQueueWait;
    private final double maxQueueWaitRatio;
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
        this(maxPendingPerWorker, admissionWait, Duration.ZERO);
    }

    /**
     * Creates a scheduler as {@link #SynthesisScheduler(int, Duration)} does that also refuses, at once, a request
     * whose predicted wait for a worker exceeds {@code maxQueueWait} (zero: only the request's deadline limits it).
     */
    public SynthesisScheduler(int maxPendingPerWorker, Duration admissionWait, Duration maxQueueWait) {
        this(maxPendingPerWorker, admissionWait, maxQueueWait, 0);
    }

    /**
     * Creates a scheduler as {@link #SynthesisScheduler(int, Duration, Duration)} does that also refuses, at once,
     * a request whose predicted wait for a worker exceeds {@code maxQueueWaitRatio} times its own predicted
     * synthesis time (its characters times the engine's estimate per character); zero turns that off. So an
     * admitted request takes at most about {@code 1 + maxQueueWaitRatio} times what it takes on an idle engine,
     * whatever its length.
     */
    public SynthesisScheduler(int maxPendingPerWorker, Duration admissionWait, Duration maxQueueWait,
                              double maxQueueWaitRatio) {
        if (!(maxQueueWaitRatio >= 0) || Double.isInfinite(maxQueueWaitRatio)) {
            throw new IllegalArgumentException("maxQueueWaitRatio: " + maxQueueWaitRatio + " (expected: >= 0)");
        }
        this.maxQueueWaitRatio = maxQueueWaitRatio;
        if (maxPendingPerWorker < 1) {
            throw new IllegalArgumentException("maxPendingPerWorker: " + maxPendingPerWorker + " (expected: >= 1)");
        }
        if (admissionWait == null || admissionWait.isNegative()) {
            throw new IllegalArgumentException("admissionWait: " + admissionWait + " (expected: >= 0)");
        }
        if (maxQueueWait == null || maxQueueWait.isNegative()) {
            throw new IllegalArgumentException("maxQueueWait: " + maxQueueWait + " (expected: >= 0)");
        }
        this.maxPendingPerWorker = maxPendingPerWorker;
        this.admissionWait = admissionWait;
        this.maxQueueWait = maxQueueWait;
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
     * Admits one request of {@code chars} characters at {@code priority} on an engine, with {@code deadline} to
     * finish: refuses it at once when its predicted wait exceeds the deadline or the queue-wait limit, or when
     * it has a negative priority and the engine is nearly full; when the engine already has its maximum in
     * progress, waits up to the admission wait for a slot (blocking the caller), then refuses it.
     *
     * @throws OverloadedException when the request is refused
     */
    Admission admit(String engineId, int priority, int chars, Duration deadline) {
        EnginePool p = pool(engineId);
        // Predicting and taking a slot is one step per engine, so a burst of simultaneous requests cannot all
        // be admitted on the same prediction: each one sees the work of those admitted just before it.
        synchronized (p) {
            predict(p, priority, chars, deadline);
            if (priority < 0 && p.pending() >= Math.max(1, (int) (p.maxPending * LOW_PRIORITY_SHARE))) {
                throw new OverloadedException("engine '" + engineId + "' is nearly full (" + p.pending() + " of "
                        + p.maxPending + " requests in progress) and sheds low-priority requests first; retry "
                        + "shortly", RETRY_AFTER);
            }
            if (p.slots.tryAcquire()) {
                Admission a = new Admission(engineId, priority, chars);
                p.admitted.add(a);
                return a;
            }
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
                    + " requests in progress (limit " + p.maxPending + ")" + waited + "; retry shortly",
                    RETRY_AFTER);
        }
        Admission a = new Admission(engineId, priority, chars);
        p.admitted.add(a);
        return a;
    }

    /**
     * Refuses a request of {@code chars} characters whose predicted wait would miss its deadline, the queue-wait
     * limit, or the queue-wait ratio times its own predicted synthesis time.
     */
    private void predict(EnginePool p, int priority, int chars, Duration deadline) {
        double nanosPerChar = p.estimate.nanosPerChar();
        if (nanosPerChar == 0) {
            return;
        }
        WorkAhead ahead = WorkAhead.of(p, priority);
        long wait = ahead.waitNanos(p, nanosPerChar);
        long over;
        String limit;
        long ownNanos = (long) (Math.max(1, chars) * nanosPerChar * maxQueueWaitRatio);
        if (maxQueueWait.isPositive() && wait > maxQueueWait.toNanos()) {
            over = wait - maxQueueWait.toNanos();
            limit = "the queue-wait limit of " + maxQueueWait.toMillis() + " ms";
        } else if (maxQueueWaitRatio > 0 && wait > ownNanos) {
            over = wait - ownNanos;
            limit = maxQueueWaitRatio + " times its own predicted synthesis time of "
                    + (long) (Math.max(1, chars) * nanosPerChar) / 1_000_000 + " ms (limits.max-queue-wait-ratio)";
        } else if (wait > deadline.toNanos()) {
            over = wait - deadline.toNanos();
            limit = "its deadline of " + deadline.toMillis() + " ms";
        } else {
            return;
        }
        Duration retryAfter = Duration.ofSeconds(Math.max(1, Math.ceilDiv(over, 1_000_000_000L)));
        throw new OverloadedException("engine '" + p.engineId + "' is busy: the predicted wait of "
                + wait / 1_000_000 + " ms behind " + ahead.requests() + " requests exceeds " + limit + "; retry in "
                + retryAfter.toSeconds() + " s", retryAfter);
    }

    /** Releases an admission taken with {@link #admit}. */
    void release(Admission admission) {
        EnginePool p = pool(admission.engineId);
        if (p.admitted.remove(admission) && admission.holdsSlot) {
            admission.holdsSlot = false;
            p.slots.release();
        }
    }

    /**
     * A request paused for its client (backpressure) gives its slot back and its characters stop counting as
     * work ahead of others, so clients that do not read cannot fill an engine; see {@link #unpark}.
     */
    void park(Admission admission) {
        release(admission);
    }

    /**
     * A paused request continues: it counts again, and takes a slot back if one is free. It never waits or is
     * refused (its client is already being answered), so while slots are taken it runs beyond the engine's limit;
     * the sentences it can start meanwhile are bounded by the lookahead.
     */
    void unpark(Admission admission) {
        EnginePool p = pool(admission.engineId);
        admission.holdsSlot = p.slots.tryAcquire();
        p.admitted.add(admission);
    }

    /**
     * Records that a chunk of {@code chars} characters of an admitted request finished (or was dropped) on
     * {@code engineId} after {@code nanos} on a worker; {@code completed} chunks feed the service-time estimate.
     */
    void chunkDone(String engineId, Admission admission, int chars, long nanos, boolean completed) {
        admission.done(chars);
        if (completed) {
            EnginePool p = pools.get(engineId);
            if (p != null) {
                p.estimate.record(chars, nanos);
            }
        }
    }

    /**
     * Returns the wait a new request at priority 0 on an engine can expect for a worker now, as admission
     * predicts it (zero before the engine's first chunk finished).
     */
    public Duration predictedWait(String engineId) {
        EnginePool p = pool(engineId);
        return Duration.ofNanos(WorkAhead.of(p, 0).waitNanos(p, p.estimate.nanosPerChar()));
    }

    /** Returns the estimated worker time per character of an engine, or zero before its first chunk finished. */
    public Duration estimatedTimePerChar(String engineId) {
        return Duration.ofNanos((long) pool(engineId).estimate.nanosPerChar());
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
    public Set<String> engines() {
        return Set.copyOf(pools.keySet());
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

    /** The admitted requests at a priority or higher, and their characters not yet synthesized. */
    private record WorkAhead(long chars, int requests) {

        static WorkAhead of(EnginePool p, int priority) {
            long chars = 0;
            int requests = 0;
            for (Admission a : p.admitted) {
                if (a.priority >= priority) {
                    chars += Math.max(0, a.remainingChars.get());
                    requests++;
                }
            }
            return new WorkAhead(chars, requests);
        }

        /** With a worker to spare a request starts at once; otherwise it shares the workers with this work. */
        long waitNanos(EnginePool p, double nanosPerChar) {
            return requests < p.workers ? 0 : (long) (chars * nanosPerChar / p.workers);
        }
    }

    /** A unit of work ordered by priority (higher first), then first-chunk-first, request age, chunk index. */
    abstract static class ChunkTask implements Runnable, Comparable<ChunkTask> {
        final int priority;
        final long requestSequence;
        final int chunkIndex;

        ChunkTask(int priority, long requestSequence, int chunkIndex) {
            this.priority = priority;
            this.requestSequence = requestSequence;
            this.chunkIndex = chunkIndex;
        }

        @Override
        public int compareTo(ChunkTask o) {
            int c = Integer.compare(o.priority, priority);
            if (c != 0) {
                return c;
            }
            c = Boolean.compare(chunkIndex > 0, o.chunkIndex > 0);
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
        final String engineId;
        final int workers;
        final ServiceTimeEstimate estimate = new ServiceTimeEstimate();
        /** The admitted, unfinished requests: at most {@link #maxPending}, so summing over them is cheap. */
        final Set<Admission> admitted = ConcurrentHashMap.newKeySet();

        EnginePool(String engineId, int workers, int maxPending) {
            this.engineId = engineId;
            this.workers = workers;
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
