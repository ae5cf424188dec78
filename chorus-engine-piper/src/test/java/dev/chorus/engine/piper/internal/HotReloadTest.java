package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperEngineProvider;
import dev.chorus.engine.piper.PiperFixture;
import dev.chorus.engine.piper.PiperVoice;
import dev.chorus.testing.piper.TestVoiceGenerator;
import dev.chorus.testing.Pcm;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Voices replaced, removed and added while requests keep running on them. */
class HotReloadTest {

    private static final long[] IDS = {1, 0, 30, 0, 2};

    /** Writes a voice whose tones start at {@code baseHz}, atomically, as a careful installer would. */
    private static void install(Path dir, String name, double baseHz) throws IOException {
        Path staging = Files.createTempDirectory(dir.getParent(), "staging");
        TestVoiceGenerator.write(TestVoiceGenerator.Spec.of(name).withBaseHz(baseHz), staging);
        Files.move(staging.resolve(name + ".onnx.json"), dir.resolve(name + ".onnx.json"),
                StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(staging.resolve(name + ".onnx"), dir.resolve(name + ".onnx"),
                StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(staging);
    }

    /** Returns the base frequency of the voice that made {@code pcm} from {@link #IDS}: its second sample. */
    private static double baseHz(short[] pcm) {
        double s = pcm[1] / 32767.0 / TestVoiceGenerator.AMPLITUDE;
        return Math.asin(s) * TestVoiceGenerator.SAMPLE_RATE / (2 * Math.PI) - TestVoiceGenerator.HZ_PER_ID;
    }

    private static double hzOfVersion(int version) {
        return 100 + 50 * (version - 1);
    }

    @Test
    void requestsKeepTheirVersionWhileEightThreadsSynthesizeThroughReplacements(@TempDir Path root)
            throws Exception {
        Path dir = Files.createDirectories(root.resolve("voices"));
        install(dir, "hot", hzOfVersion(1));
        try (PiperEngine engine = (PiperEngine) PiperFixture.open(dir, 8, Map.of())) {
            AtomicInteger notified = new AtomicInteger();
            engine.addVoicesListener(notified::incrementAndGet);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger syntheses = new AtomicInteger();
            AtomicInteger notFound = new AtomicInteger();
            AtomicInteger retries = new AtomicInteger();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            Set<Integer> versionsSeen = ConcurrentHashMap.newKeySet();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        Voice v;
                        try {
                            v = engine.load("piper:hot");
                        } catch (VoiceNotFoundException e) {
                            notFound.incrementAndGet();
                            Thread.onSpinWait();
                            Thread.yield();
                            continue;
                        }
                        if (!v.retain()) {
                            retries.incrementAndGet();
                            continue;
                        }
                        try {
                            int version = ((PiperVoice) v).version();
                            Pcm.Collector sink = new Pcm.Collector();
                            if (!((PiperVoice) v).synthesizeIds(IDS, SynthesisOptions.defaults(), sink)) {
                                throw new AssertionError("stopped");
                            }
                            short[] pcm = sink.samples();
                            if (pcm.length != IDS.length * 512
                                    || Math.abs(baseHz(pcm) - hzOfVersion(version)) > 1) {
                                throw new AssertionError("version " + version + " spoke with "
                                        + baseHz(pcm) + " Hz in " + pcm.length + " samples");
                            }
                            versionsSeen.add(version);
                            syntheses.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e);
                        } finally {
                            v.release();
                        }
                    }
                }));
            }

            PiperVoice held = (PiperVoice) engine.load("piper:hot");
            assertThat(held.retain()).isTrue();
            for (int version = 2; version <= 5; version++) {
                Thread.sleep(150);
                install(dir, "hot", hzOfVersion(version));
                engine.reload("piper:hot");
                assertThat(engine.voices()).singleElement().extracting(VoiceInfo::version)
                        .isEqualTo(Integer.toString(version));
            }
            // The request that retained version 1 still has it, and can still name it.
            Pcm.Collector old = new Pcm.Collector();
            held.synthesizeIds(IDS, SynthesisOptions.defaults(), old);
            assertThat(baseHz(old.samples())).isCloseTo(hzOfVersion(1), within(1.0));
            assertThat(((PiperVoice) engine.load("piper:hot@1")).version()).isEqualTo(1);
            assertThat(((PiperVoiceHandle) held).model().isClosed()).isFalse();
            held.release();
            assertThat(((PiperVoiceHandle) held).model().isClosed()).isTrue();
            assertThatThrownBy(() -> engine.load("piper:hot@1")).isInstanceOf(VoiceNotFoundException.class)
                    .hasMessageContaining("piper:hot@5");

            Thread.sleep(150);
            Files.delete(dir.resolve("hot.onnx"));
            Files.delete(dir.resolve("hot.onnx.json"));
            engine.reload(null);
            assertThat(engine.voices()).isEmpty();
            assertThatThrownBy(() -> engine.load("piper:hot")).isInstanceOf(VoiceNotFoundException.class);
            Thread.sleep(150);
            install(dir, "hot", hzOfVersion(6));
            engine.reload(null);
            assertThat(engine.voices()).singleElement().extracting(VoiceInfo::version).isEqualTo("6");
            Thread.sleep(300);

            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            assertThat(errors).isEmpty();
            assertThat(syntheses.get()).isGreaterThan(50);
            assertThat(versionsSeen).contains(1, 5, 6);
            assertThat(notified.get()).isEqualTo(6);
            // Every replaced version closed after its last request; only version 6 is open.
            assertThat(engine.loadedModels()).extracting(m -> m.version()).containsExactly(6);
            assertThat(engine.sessionsOpened()).isEqualTo(6);
            assertThat(engine.sessionsClosed()).isEqualTo(5);
            System.out.printf("hot reload: %d syntheses, %d retries after a replacement, %d while removed%n",
                    syntheses.get(), retries.get(), notFound.get());
        }
    }

    @Test
    void aTouchWithTheSameContentIsNotANewVersion(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("voices"));
        install(dir, "same", 100);
        try (PiperEngine engine = (PiperEngine) PiperFixture.open(dir, 1, Map.of())) {
            Files.setLastModifiedTime(dir.resolve("same.onnx"),
                    java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
            engine.reload("piper:same");
            install(dir, "same", 100);
            engine.reload("piper:same");
            assertThat(engine.voices()).singleElement().extracting(VoiceInfo::version).isEqualTo("1");
            assertThat(engine.sessionsOpened()).isEqualTo(1);
            assertThatThrownBy(() -> engine.reload("piper:other")).isInstanceOf(VoiceNotFoundException.class);
        }
    }

    @Test
    void theBackgroundScanFindsNewChangedAndRemovedVoices(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("voices"));
        try (PiperEngine engine = (PiperEngine) PiperFixture.open(dir, 1,
                Map.of(PiperEngineProvider.SCAN_INTERVAL, "200ms"))) {
            AtomicInteger notified = new AtomicInteger();
            engine.addVoicesListener(notified::incrementAndGet);
            assertThat(engine.voices()).isEmpty();

            // A copy in progress: the config, then half the model. It must not be reported as broken.
            Path sub = Files.createDirectories(dir.resolve("en").resolve("slow"));
            TestVoiceGenerator.Spec spec = TestVoiceGenerator.Spec.of("slow");
            Files.write(sub.resolve("slow.onnx.json"), TestVoiceGenerator.config(spec));
            byte[] model = TestVoiceGenerator.model(spec);
            Files.write(sub.resolve("slow.onnx"), java.util.Arrays.copyOf(model, model.length / 2));
            Thread.sleep(120);
            assertThat(engine.failures()).isEmpty();
            Files.write(sub.resolve("slow.onnx"), model);
            await(() -> engine.voices().stream().anyMatch(v -> v.id().equals("piper:slow")));
            assertThat(engine.failures()).isEmpty();

            install(dir, "fresh", 100);
            await(() -> engine.voices().size() == 2);
            install(dir, "fresh", 400);
            await(() -> engine.voices().stream().anyMatch(v -> v.id().equals("piper:fresh")
                    && v.version().equals("2")));
            Files.delete(sub.resolve("slow.onnx"));
            await(() -> engine.voices().size() == 1);
            assertThat(notified.get()).isGreaterThanOrEqualTo(4);
            assertThat(engine.failures()).isEmpty();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(20);
        }
    }
}
