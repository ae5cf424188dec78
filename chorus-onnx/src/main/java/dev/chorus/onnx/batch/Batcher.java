package dev.chorus.onnx.batch;

import ai.onnxruntime.OrtException;

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
 * <p>Design: callers queue their items and run the batches themselves; no thread is started. One waiting caller at a
 * time forms a batch: it lets the oldest item's batch fill (up to {@code maxSize} items of its {@link #bucket length
 * bucket} and an {@linkplain Object#equals equal} key: whatever a batch must share, such as controls that the model
 * takes once per run) until that item has waited {@code maxWait} since it arrived, so an item that queued behind
 * other batches goes at once; it takes the batch out of the queue and runs it on its own thread, completing every
 * item in it, while the next waiting caller forms the next batch. So batches run side by side (the engine's run
 * limit bounds them), and a caller whose item another caller took waits for that batch; a caller returns once its
 * own item is done. A batch of one runs through {@link Runner#runOne}, unbatched, so a lone sentence never pays for
 * padding (it waits at most {@code maxWait} for company). A failed batch fails each of its items with the batch's
 * exception. Thread-safe.
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

    private record Job<I, K, O>(I item, K key, int bucket, long arrived, CompletableFuture<O> done) {
    }

    private final Runner<I, K, O> runner;
    private final int maxSize;
    private final long maxWaitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Job<I, K, O>> pending = new ArrayDeque<>();
    private boolean forming;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchedItems = new AtomicLong();

    private Batcher(Runner<I, K, O> runner, int maxSize, long maxWaitNanos) {
        this.runner = runner;
        this.maxSize = maxSize;
        this.maxWaitNanos = maxWaitNanos;
    }

    /**
     * Creates a batcher.
     *
     * @param runner  runs the model
     * @param maxSize the most items in one batch, >= 2
     * @param maxWait the longest the oldest waiting item waits for others to join its batch, >= 0
     */
    public static <I, K, O> Batcher<I, K, O> of(Runner<I, K, O> runner, int maxSize, Duration maxWait) {
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxSize < 2) {
            throw new IllegalArgumentException("maxSize: " + maxSize + " (expected: >= 2; 1 is no batching)");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait: " + maxWait + " (expected: >= 0)");
        }
        return new Batcher<>(runner, maxSize, maxWait.toNanos());
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

    /** Returns the most items in one batch. */
    public int maxSize() {
        return maxSize;
    }

    /** Returns how many runs of more than one item there were. */
    public long batches() {
        return batches.get();
    }

    /** Returns how many items ran in runs of more than one item. */
    public long batchedItems() {
        return batchedItems.get();
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
        Job<I, K, O> job = new Job<>(item, key, bucket(length), System.nanoTime(), new CompletableFuture<>());
        lock.lock();
        try {
            pending.add(job);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        while (!job.done().isDone()) {
            List<Job<I, K, O>> batch = null;
            lock.lock();
            try {
                if (!forming && !job.done().isDone() && !pending.isEmpty()) {
                    forming = true;
                    try {
                        batch = next();
                    } finally {
                        forming = false;
                        changed.signalAll();
                    }
                } else if (!job.done().isDone()) {
                    changed.awaitUninterruptibly();
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
     * Waits for the oldest job's batch to fill until that job has waited maxWait since it arrived (so a job that
     * queued behind other batches goes at once), then takes it; the caller holds the lock.
     */
    private List<Job<I, K, O>> next() {
        Job<I, K, O> first = pending.peek();
        long deadline = first.arrived() + maxWaitNanos;
        while (matching(first) < maxSize) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Job<I, K, O>> batch = new ArrayList<>();
        for (Iterator<Job<I, K, O>> it = pending.iterator(); it.hasNext() && batch.size() < maxSize; ) {
            Job<I, K, O> j = it.next();
            if (fits(first, j)) {
                batch.add(j);
                it.remove();
            }
        }
        return batch;
    }

    private int matching(Job<I, K, O> first) {
        int n = 0;
        for (Job<I, K, O> j : pending) {
            if (fits(first, j)) {
                n++;
            }
        }
        return n;
    }

    private static boolean fits(Job<?, ?, ?> first, Job<?, ?, ?> j) {
        return j.bucket() == first.bucket() && j.key().equals(first.key());
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
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
