package dev.chorus.onnx.batch;

import ai.onnxruntime.OrtException;
import dev.chorus.onnx.ExecutionProvider;
import dev.chorus.onnx.SessionFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs concurrent items (sentences) of one model as batches: items of the same length bucket and the same key run
 * as one model run, which the engine's {@link Runner} pads and cuts back to each item's true length.
 *
 * <p>Design (continuous batching): callers queue their items and run the batches themselves; no thread is started.
 * At most {@code maxInFlight} batches run at once. Items that arrive while they run wait in the queue, and when a
 * batch ends (a run slot frees), the caller of the oldest queued item takes the next batch from the queue: its item
 * with up to {@code maxSize} items of its {@link #bucket length bucket} and an {@linkplain Object#equals equal} key
 * (whatever a batch must share, such as controls that the model takes once per run), and runs it on its own thread,
 * completing every item in it. So the busier the model, the larger its batches, and a lone item on an idle model
 * runs at once, unbatched, through {@link Runner#runOne}: it never pays for padding or waiting. Each caller sleeps
 * until its own news (its item done, or its turn to form a batch), so a batch wakes only its own callers.
 *
 * <p>The wait for company ({@code maxWait}) applies only when company is expected: right after a batch of several
 * items ended, its callers are likely to come back with their next sentences, so the next batch, if it takes the last
 * free run slot, waits at most {@code maxWait} from the end of that batch until as many items are queued as that
 * batch held (with another slot free, those callers can run there). A caller whose item
 * another caller took waits for that batch; a caller returns once its own item is done, and its interrupt (its own
 * cancellation) never fails the others' items it runs. A failed batch fails each of its items, and only those, with
 * the batch's exception. Thread-safe.
 *
 * @param <I> one item's input
 * @param <K> what the items of one batch must share (compared with {@code equals}; use a record)
 * @param <O> one item's output
 */
public final class Batcher<I, K, O> {

    /** How an engine runs its model: one item alone, or several padded to the longest as one batch. */
    public interface Runner<I, K, O> {

        /** Runs one item alone. */
        O runOne(I item, K key) throws OrtException;

        /**
         * Runs two or more items of one length bucket and key as one batch.
         *
         * @return each item's output, cut back to its own length, in the order of {@code items}
         */
        List<O> runBatch(List<I> items, K key) throws OrtException;
    }

    /** The smallest length bucket. */
    public static final int MIN_BUCKET = 16;

    /** An item and its caller's wake-up (a condition of the lock): each caller sleeps until its own news. */
    private record Job<I, K, O>(I item, K key, int bucket, CompletableFuture<O> done, Condition wake) {
    }

    private final Runner<I, K, O> runner;
    private final int maxSize;
    private final long maxWaitNanos;
    private final int maxInFlight;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Job<I, K, O>> pending = new ArrayDeque<>();
    /** The item whose caller forms the next batch, or null. */
    private Job<I, K, O> former;
    private int inFlight;
    /** The size of the batch that ended last, and when it ended: how much company to expect until when. */
    private int lastSize;
    private long lastEnd;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchedItems = new AtomicLong();

    private Batcher(Runner<I, K, O> runner, int maxSize, long maxWaitNanos, int maxInFlight) {
        this.runner = runner;
        this.maxSize = maxSize;
        this.maxWaitNanos = maxWaitNanos;
        this.maxInFlight = maxInFlight;
    }

    /**
     * Creates a batcher that runs one batch at a time.
     *
     * @see #of(Runner, int, Duration, int)
     */
    /**
     * The default most sentences in one batch on {@code provider}: 8 on a GPU, where one run of several sentences
     * costs little more than one; 1 (no batching) on the CPU, where a batch does the same arithmetic on fewer
     * threads and measured slower than sentences run side by side (docs/benchmarks.md).
     */
    public static int defaultMaxSize(ExecutionProvider provider) {
        return provider == ExecutionProvider.CPU ? 1 : 8;
    }

    public static <I, K, O> Batcher<I, K, O> of(Runner<I, K, O> runner, int maxSize, Duration maxWait) {
        return of(runner, maxSize, maxWait, 1);
    }

    /**
     * Creates a batcher.
     *
     * @param runner      runs the model
     * @param maxSize     the most items in one batch, >= 2
     * @param maxWait     the longest the next batch waits for the callers of the batch that just ended, >= 0
     * @param maxInFlight the most batches that run at once, >= 1: on a CPU, about the cores divided by the threads
     *                    of one run, since more batches side by side only make each smaller
     */
    public static <I, K, O> Batcher<I, K, O> of(Runner<I, K, O> runner, int maxSize, Duration maxWait,
                                                int maxInFlight) {
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxSize < 2) {
            throw new IllegalArgumentException("maxSize: " + maxSize + " (expected: >= 2; 1 is no batching)");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait: " + maxWait + " (expected: >= 0)");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 1)");
        }
        return new Batcher<>(runner, maxSize, maxWait.toNanos(), maxInFlight);
    }

    /**
     * Returns the length bucket of an item of {@code length} ids: {@value #MIN_BUCKET} up to that length, else the
     * next power of two. Items of one bucket differ at most twofold in length, so padding at most doubles the work.
     */
    public static int bucket(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
        }
        return length <= MIN_BUCKET ? MIN_BUCKET : Integer.highestOneBit(length - 1) << 1;
    }

    /**
     * Returns how many batches of one model should run at once ({@code maxInFlight}): one on a GPU, where one larger
     * batch uses it best, and on the CPU as many runs as the cores hold at the sessions' intra-op threads each, at
     * most {@code maxRuns} and at least one. More batches side by side than that only make each batch smaller while
     * they share the same cores.
     */
    public static int inFlight(SessionFactory sessions, int maxRuns) {
        Objects.requireNonNull(sessions, "sessions");
        if (maxRuns < 1) {
            throw new IllegalArgumentException("maxRuns: " + maxRuns + " (expected: >= 1)");
        }
        if (sessions.provider() != ExecutionProvider.CPU) {
            return 1;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        return Math.max(1, Math.min(maxRuns, cores / sessions.settings().intraOpThreads()));
    }

    /** Returns the most items in one batch. */
    public int maxSize() {
        return maxSize;
    }

    /** Returns the most batches that run at once. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Returns how many runs of more than one item there were. */
    public long batches() {
        return batches.get();
    }

    /** Returns how many items ran in runs of more than one item. */
    public long batchedItems() {
        return batchedItems.get();
    }

    /** Returns how many items wait in the queue for a batch. */
    public int queued() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs one item, in a batch with concurrent items of the same bucket and key when there are any.
     *
     * @param length the item's length (its ids), which picks its bucket
     * @param key    what its batch must share
     * @throws OrtException as the runner throws it, for this item's batch
     */
    public O run(I item, int length, K key) throws OrtException {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(key, "key");
        Job<I, K, O> job = new Job<>(item, key, bucket(length), new CompletableFuture<>(), lock.newCondition());
        List<Job<I, K, O>> batch = null;
        lock.lock();
        try {
            pending.add(job);
            if (former != null) {
                former.wake().signal();
            } else {
                promote();
            }
            while (!job.done().isDone()) {
                if (former == job) {
                    batch = next();
                    inFlight++;
                    former = null;
                    promote();
                    break;
                }
                job.wake().awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        if (batch != null) {
            // This caller's interrupt (its own cancellation) must not fail the others' items it runs.
            boolean interrupted = Thread.interrupted();
            execute(batch);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            return job.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof OrtException o) {
                throw o;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * Makes the caller of the oldest queued item the one that forms the next batch, if a run slot is free and no
     * one forms one; the caller holds the lock. Only that caller wakes, and the batch it forms holds its own item.
     */
    private void promote() {
        if (former == null && inFlight < maxInFlight && !pending.isEmpty()) {
            former = pending.peek();
            former.wake().signal();
        }
    }

    /**
     * Takes the next batch: the oldest item's; the former holds the lock, and a run slot is free. While company is
     * expected (the batch that ended last held more items than are queued, and it ended less than maxWait ago), it
     * waits for them first.
     */
    private List<Job<I, K, O>> next() {
        // Waiting helps only on the last free run slot: with another free, the callers coming back can run there.
        int expected = inFlight + 1 < maxInFlight ? 0 : Math.min(maxSize, lastSize);
        long deadline = lastEnd + maxWaitNanos;
        while (pending.size() < expected) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                former.wake().awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Job<I, K, O> first = pending.peek();
        List<Job<I, K, O>> batch = new ArrayList<>();
        for (Iterator<Job<I, K, O>> it = pending.iterator(); it.hasNext() && batch.size() < maxSize; ) {
            Job<I, K, O> j = it.next();
            if (j.bucket() == first.bucket() && j.key().equals(first.key())) {
                batch.add(j);
                it.remove();
            }
        }
        return batch;
    }

    private void execute(List<Job<I, K, O>> batch) {
        try {
            if (batch.size() == 1) {
                Job<I, K, O> j = batch.getFirst();
                j.done().complete(runner.runOne(j.item(), j.key()));
            } else {
                List<O> out = runner.runBatch(batch.stream().map(Job::item).toList(), batch.getFirst().key());
                if (out.size() != batch.size()) {
                    throw new IllegalStateException("a batch of " + batch.size() + " items gave " + out.size()
                            + " outputs");
                }
                batches.incrementAndGet();
                batchedItems.addAndGet(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done().complete(out.get(i));
                }
            }
        } catch (OrtException | RuntimeException | Error e) {
            batch.forEach(j -> j.done().completeExceptionally(e));
        } finally {
            lock.lock();
            try {
                inFlight--;
                lastSize = batch.size();
                lastEnd = System.nanoTime();
                for (Job<I, K, O> j : batch) {
                    j.wake().signal();
                }
                promote();
            } finally {
                lock.unlock();
            }
        }
    }
}
