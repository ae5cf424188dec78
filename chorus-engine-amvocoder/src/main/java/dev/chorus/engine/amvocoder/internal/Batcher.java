package dev.chorus.engine.amvocoder.internal;

import ai.onnxruntime.OrtException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs concurrent sentences of one model as batches.
 *
 * <p>Design: callers queue their ids; one of them at a time is the leader. The leader waits at most
 * {@code maxWait} for the oldest job's batch to fill (up to {@code maxSize} jobs of the same length bucket, the next
 * power of two at least 16, and the same controls), runs it on its own thread, completes every job in it, and leads
 * on until its own job is done; then it steps down and a waiting caller takes over. A batch of one runs unbatched,
 * so a lone sentence never pays for padding. Outputs are cut back to each job's true length by the model
 * ({@link AmModel#runBatch}). Thread-safe.
 */
final class Batcher {

    private record Job(long[] ids, AmModel.Controls controls, int bucket, CompletableFuture<AmModel.Output> done) {
    }

    private final AmModel model;
    private final int maxSize;
    private final long maxWaitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Job> pending = new ArrayDeque<>();
    private boolean leading;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchedJobs = new AtomicLong();

    Batcher(AmModel model, int maxSize, long maxWaitNanos) {
        this.model = model;
        this.maxSize = maxSize;
        this.maxWaitNanos = maxWaitNanos;
    }

    /** Returns how many runs of more than one job there were, and how many jobs they held. */
    long[] counts() {
        return new long[] {batches.get(), batchedJobs.get()};
    }

    static int bucket(int length) {
        return length <= 16 ? 16 : Integer.highestOneBit(length - 1) << 1;
    }

    /** Runs one sentence, possibly in a batch with others. */
    AmModel.Output run(long[] ids, AmModel.Controls controls) throws OrtException {
        Job job = new Job(ids, controls, bucket(ids.length), new CompletableFuture<>());
        lock.lock();
        try {
            pending.add(job);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        while (!job.done().isDone()) {
            boolean lead = false;
            lock.lock();
            try {
                if (!leading && !job.done().isDone()) {
                    leading = true;
                    lead = true;
                } else if (!job.done().isDone()) {
                    changed.awaitUninterruptibly();
                }
            } finally {
                lock.unlock();
            }
            if (lead) {
                lead(job);
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
            throw e;
        }
    }

    private void lead(Job own) {
        try {
            while (!own.done().isDone()) {
                List<Job> batch = next();
                execute(batch);
            }
        } finally {
            lock.lock();
            try {
                leading = false;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits up to maxWait for the oldest job's batch to fill, then takes it. */
    private List<Job> next() {
        lock.lock();
        try {
            Job first = pending.peek();
            long deadline = System.nanoTime() + maxWaitNanos;
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
            List<Job> batch = new ArrayList<>();
            for (Iterator<Job> it = pending.iterator(); it.hasNext() && batch.size() < maxSize; ) {
                Job j = it.next();
                if (fits(first, j)) {
                    batch.add(j);
                    it.remove();
                }
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private int matching(Job first) {
        int n = 0;
        for (Job j : pending) {
            if (fits(first, j)) {
                n++;
            }
        }
        return n;
    }

    private static boolean fits(Job first, Job j) {
        return j.bucket() == first.bucket() && j.controls().equals(first.controls());
    }

    private void execute(List<Job> batch) {
        try {
            if (batch.size() == 1) {
                Job j = batch.getFirst();
                j.done().complete(model.run(j.ids(), j.controls()));
            } else {
                List<AmModel.Output> out = model.runBatch(batch.stream().map(Job::ids).toList(),
                        batch.getFirst().controls());
                batches.incrementAndGet();
                batchedJobs.addAndGet(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done().complete(out.get(i));
                }
            }
        } catch (OrtException | RuntimeException e) {
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
