package dev.chorus.onnx.batch;

import ai.onnxruntime.OrtException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Items group by length bucket and key, each gets its own output, failures reach every item of a batch and only
 * those, and batches form from what queued while the model was busy. The tests hold the model busy with a "gate"
 * item that runs until the test opens it, so what queues meanwhile is known without any timing.
 */
@Timeout(30)
class BatcherTest {

    /** Doubles each item's length; records every batch it ran; the item "gate" runs until {@link #open}. */
    private static final class Recorder implements Batcher.Runner<String, String, Integer> {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final List<String> alone = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch gateRuns = new CountDownLatch(1);

        @Override
        public Integer runOne(String item, String key) throws OrtException {
            if (item.equals("bad")) {
                throw new OrtException("bad item");
            }
            if (item.equals("gate")) {
                gateRuns.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    throw new OrtException("interrupted");
                }
            }
            alone.add(item);
            return 2 * item.length();
        }

        @Override
        public List<Integer> runBatch(List<String> items, String key) throws OrtException {
            if (Thread.currentThread().isInterrupted()) {
                throw new OrtException("interrupted while waiting for a run slot"); // as a run limiter would
            }
            if (items.contains("bad")) {
                throw new OrtException("bad batch");
            }
            batches.add(List.copyOf(items));
            return items.stream().map(i -> 2 * i.length()).toList();
        }

        void open() {
            gate.countDown();
        }
    }

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Runs an item on its own thread; returns once it is queued (the queue grew), done, or the gate that runs. */
    private Future<Integer> submit(Batcher<String, String, Integer> b, Recorder r, String item, String key)
            throws InterruptedException {
        int before = b.queued();
        Future<Integer> f = pool.submit(() -> b.run(item, item.length(), key));
        if (item.equals("gate")) {
            r.gateRuns.await();
        } else {
            while (b.queued() <= before && !f.isDone()) {
                Thread.sleep(1);
            }
        }
        return f;
    }

    @Test
    void bucketsArePowersOfTwoFromSixteen() {
        assertThat(Batcher.bucket(0)).isEqualTo(16);
        assertThat(Batcher.bucket(16)).isEqualTo(16);
        assertThat(Batcher.bucket(17)).isEqualTo(32);
        assertThat(Batcher.bucket(100)).isEqualTo(128);
        assertThat(Batcher.bucket(512)).isEqualTo(512);
    }

    @Test
    void rejectsSettingsThatMeanNoBatching() {
        assertThatThrownBy(() -> Batcher.of(new Recorder(), 1, Duration.ZERO))
                .hasMessage("maxSize: 1 (expected: >= 2; 1 is no batching)");
        assertThatThrownBy(() -> Batcher.of(new Recorder(), 4, Duration.ofMillis(-1)))
                .hasMessageStartingWith("maxWait: ");
        assertThatThrownBy(() -> Batcher.of(new Recorder(), 4, Duration.ZERO, 0))
                .hasMessage("maxInFlight: 0 (expected: >= 1)");
    }

    @Test
    void aLoneItemOnAnIdleModelRunsAtOnceWhateverTheWait() throws Exception {
        Recorder r = new Recorder();
        Batcher<String, String, Integer> b = Batcher.of(r, 8, Duration.ofHours(1));
        assertThat(b.run("abc", 3, "k")).isEqualTo(6);
        assertThat(b.run("de", 2, "k")).isEqualTo(4);
        assertThat(r.alone).containsExactly("abc", "de");
        assertThat(b.batches()).isZero();
    }

    @Test
    void itemsThatArriveWhileABatchRunsFormTheNextBatch() throws Exception {
        Recorder r = new Recorder();
        Batcher<String, String, Integer> b = Batcher.of(r, 4, Duration.ZERO);
        Future<Integer> gate = submit(b, r, "gate", "k");
        List<Future<Integer>> queued = new ArrayList<>();
        for (String item : List.of("a", "b", "c", "d", "e")) {
            queued.add(submit(b, r, item, "k"));
        }
        assertThat(b.queued()).as("items wait while the model is busy").isEqualTo(5);
        r.open();
        assertThat(gate.get(10, TimeUnit.SECONDS)).isEqualTo(8);
        for (Future<Integer> f : queued) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        }
        assertThat(r.batches).as("the queue forms the next batch, up to maxSize").containsExactly(
                List.of("a", "b", "c", "d"));
        assertThat(r.alone).containsExactly("gate", "e");
    }

    @Test
    void afterABatchTheNextWaitsForItsCallersToComeBack() throws Exception {
        Recorder r = new Recorder();
        Batcher<String, String, Integer> b = Batcher.of(r, 8, Duration.ofHours(1));
        Future<Integer> gate = submit(b, r, "gate", "k");
        List<Future<Integer>> first = new ArrayList<>();
        for (String item : List.of("a", "b", "c")) {
            first.add(submit(b, r, item, "k"));
        }
        r.open();
        gate.get(10, TimeUnit.SECONDS);
        for (Future<Integer> f : first) {
            f.get(10, TimeUnit.SECONDS);
        }
        // A batch of three ended: the next one waits (up to maxWait) until three items are queued.
        List<Future<Integer>> second = new ArrayList<>();
        for (String item : List.of("d", "e", "f")) {
            second.add(submit(b, r, item, "k"));
        }
        for (Future<Integer> f : second) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        }
        assertThat(r.batches).containsExactly(List.of("a", "b", "c"), List.of("d", "e", "f"));
    }

    @Test
    void concurrentItemsBatchOnlyWithTheirBucketAndKey() throws Exception {
        Recorder r = new Recorder();
        Batcher<String, String, Integer> b = Batcher.of(r, 4, Duration.ZERO);
        List<String> items = List.of("a", "bb", "ccc", "dddd", "e".repeat(20), "f".repeat(30), "g", "hh");
        List<String> keys = List.of("x", "x", "x", "y", "x", "x", "y", "x");
        Future<Integer> gate = submit(b, r, "gate", "x");
        List<Future<Integer>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.add(submit(b, r, items.get(i), keys.get(i)));
        }
        r.open();
        gate.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < items.size(); i++) {
            assertThat(out.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(2 * items.get(i).length());
        }
        assertThat(r.batches).containsExactlyInAnyOrder(List.of("a", "bb", "ccc", "hh"), List.of("dddd", "g"),
                List.of("e".repeat(20), "f".repeat(30)));
        for (List<String> batch : r.batches) {
            int bucket = Batcher.bucket(batch.getFirst().length());
            String key = keys.get(items.indexOf(batch.getFirst()));
            for (String item : batch) {
                assertThat(Batcher.bucket(item.length())).as("bucket of %s in %s", item, batch).isEqualTo(bucket);
                assertThat(keys.get(items.indexOf(item))).as("key of %s in %s", item, batch).isEqualTo(key);
            }
        }
    }

    @Test
    void aFailedBatchFailsEachOfItsItemsAndOnlyThose() throws Exception {
        Recorder r = new Recorder();
        Batcher<String, String, Integer> b = Batcher.of(r, 2, Duration.ZERO);
        Future<Integer> gate = submit(b, r, "gate", "k");
        Future<Integer> good = submit(b, r, "ok", "k");
        Future<Integer> bad = submit(b, r, "bad", "k");
        Future<Integer> other = submit(b, r, "o".repeat(20), "k");
        Future<Integer> otherKey = submit(b, r, "ok", "j");
        r.open();
        gate.get(10, TimeUnit.SECONDS);
        for (Future<Integer> f : List.of(good, bad)) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(OrtException.class)
                    .hasMessageContaining("bad batch");
        }
        assertThat(other.get(10, TimeUnit.SECONDS)).as("another bucket's item").isEqualTo(40);
        assertThat(otherKey.get(10, TimeUnit.SECONDS)).as("another key's item").isEqualTo(4);
        assertThat(b.run("ok", 2, "k")).as("the batcher goes on after a failure").isEqualTo(4);
    }

    @Test
    void aCancelledCallerFailsNoOneElse() throws Exception {
        Recorder r = new Recorder();
        Batcher<String, String, Integer> b = Batcher.of(r, 4, Duration.ZERO);
        Future<Integer> gate = submit(b, r, "gate", "k");
        Future<Integer> cancelled = submit(b, r, "a", "k");
        Future<Integer> other = submit(b, r, "b", "k");
        cancelled.cancel(true);
        r.open();
        gate.get(10, TimeUnit.SECONDS);
        assertThat(other.get(10, TimeUnit.SECONDS)).as("the item batched with a cancelled caller's").isEqualTo(2);
        assertThat(r.batches).containsExactly(List.of("a", "b"));
    }
}
