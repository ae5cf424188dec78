package dev.chorus.onnx.batch;

import ai.onnxruntime.OrtException;
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

/** Items group by length bucket and key, each gets its own output, and failures reach every item of a batch. */
@Timeout(30)
class BatcherTest {

    /** Doubles each item's length; records every batch it ran. */
    private static final class Recorder implements Batcher.Runner<String, String, Integer> {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final List<String> alone = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Integer runOne(String item, String key) throws OrtException {
            if (item.equals("bad")) {
                throw new OrtException("bad item");
            }
            alone.add(item);
            return 2 * item.length();
        }

        @Override
        public List<Integer> runBatch(List<String> items, String key) throws OrtException {
            if (items.contains("bad")) {
                throw new OrtException("bad batch");
            }
            batches.add(List.copyOf(items));
            return items.stream().map(i -> 2 * i.length()).toList();
        }
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
    }

    @Test
    void aLoneItemRunsAlone() throws Exception {
        Recorder r = new Recorder();
        Batcher<String, String, Integer> b = Batcher.of(r, 8, Duration.ofMillis(1));
        assertThat(b.run("abc", 3, "k")).isEqualTo(6);
        assertThat(r.alone).containsExactly("abc");
        assertThat(b.batches()).isZero();
    }

    @Test
    void concurrentItemsBatchOnlyWithTheirBucketAndKey() throws Exception {
        Recorder r = new Recorder();
        Batcher<String, String, Integer> b = Batcher.of(r, 4, Duration.ofMillis(300));
        List<String> items = List.of("a", "bb", "ccc", "dddd", "e".repeat(20), "f".repeat(30), "g", "hh");
        List<String> keys = List.of("x", "x", "x", "y", "x", "x", "y", "x");
        ExecutorService pool = Executors.newFixedThreadPool(items.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                String item = items.get(i);
                String key = keys.get(i);
                out.add(pool.submit(() -> {
                    start.await();
                    return b.run(item, item.length(), key);
                }));
            }
            start.countDown();
            for (int i = 0; i < items.size(); i++) {
                assertThat(out.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(2 * items.get(i).length());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(b.batches()).isPositive();
        for (List<String> batch : r.batches) {
            assertThat(batch).hasSizeBetween(2, 4);
            int bucket = Batcher.bucket(batch.getFirst().length());
            String key = keys.get(items.indexOf(batch.getFirst()));
            for (String item : batch) {
                assertThat(Batcher.bucket(item.length())).as("bucket of %s in %s", item, batch).isEqualTo(bucket);
                assertThat(keys.get(items.indexOf(item))).as("key of %s in %s", item, batch).isEqualTo(key);
            }
        }
    }

    @Test
    void aFailedBatchFailsEachOfItsItems() throws Exception {
        Recorder r = new Recorder();
        Batcher<String, String, Integer> b = Batcher.of(r, 2, Duration.ofSeconds(1));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> good = pool.submit(() -> b.run("ok", 2, "k"));
            Future<Integer> bad = pool.submit(() -> b.run("bad", 3, "k"));
            for (Future<Integer> f : List.of(good, bad)) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(OrtException.class)
                        .hasMessageContaining("bad batch");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(b.run("ok", 2, "k")).as("the batcher goes on after a failure").isEqualTo(4);
    }
}
