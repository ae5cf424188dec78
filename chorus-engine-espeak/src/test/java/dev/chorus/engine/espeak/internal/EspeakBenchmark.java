package dev.chorus.engine.espeak.internal;

import dev.chorus.engine.espeak.EspeakEngineProvider;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Measures the figures quoted for this engine, in one process: throughput of {@code copies} versus {@code lock}
 * at 1 and 2 threads, in-process synthesis versus one {@code espeak-ng} process per request, open time, and the
 * cost of rewinding the library's statics. Not a test; run it after {@code ./mvnw -pl chorus-engine-espeak
 * test-compile} with:
 * <pre>
 * M=chorus-engine-espeak/target
 * API=$HOME/.m2/repository/dev/chorus/chorus-api/0.1.0-SNAPSHOT/chorus-api-0.1.0-SNAPSHOT.jar
 * java --enable-native-access=ALL-UNNAMED -cp $M/classes:$M/test-classes:$API \
 *     dev.chorus.engine.espeak.internal.EspeakBenchmark [seconds per throughput run]
 * </pre>
 */
public final class EspeakBenchmark {

    /** The same 300 characters as chorus-bench's {@code Texts.PARAGRAPH_300}. */
    static final String PARAGRAPH = ("Chorus turns written text into natural speech. It splits long passages into "
            + "sentences, hands each sentence to a voice engine, and streams the audio back in order as soon as it "
            + "is ready. Engines run on their own bounded pools, so a busy voice never slows down another one, and "
            + "every request keeps its deadline.").substring(0, 300);

    private static final AudioSink DISCARD = (samples, offset, length) -> AudioSink.Action.CONTINUE;

    private EspeakBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        System.out.printf(Locale.ROOT, "cores=%d load=%s text=%d chars%n", Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).strip(), PARAGRAPH.length());
        throughput(seconds);
        latency();
        openTime();
        rewindCopy();
    }

    private static void throughput(int seconds) throws Exception {
        String[] modes = {"copies", "lock"};
        int[] threadCounts = {1, 2};
        double[][][] results = new double[modes.length][threadCounts.length][3];
        for (int trial = 0; trial < 3; trial++) {
            for (int m = 0; m < modes.length; m++) {
                for (int t = 0; t < threadCounts.length; t++) {
                    results[m][t][trial] = charsPerSecond(modes[m], threadCounts[t], seconds);
                    System.out.printf(Locale.ROOT, "  trial %d %-6s threads=%d %,10.0f chars/s%n", trial + 1,
                            modes[m], threadCounts[t], results[m][t][trial]);
                }
            }
        }
        for (int m = 0; m < modes.length; m++) {
            for (int t = 0; t < threadCounts.length; t++) {
                System.out.printf(Locale.ROOT, "throughput %-6s threads=%d median %,10.0f chars/s (%s)%n", modes[m],
                        threadCounts[t], median(results[m][t]), Arrays.toString(rounded(results[m][t])));
            }
        }
    }

    private static double charsPerSecond(String isolation, int threads, int seconds) throws Exception {
        try (TtsEngine engine = new EspeakEngineProvider().open(new EngineContext(2,
                Map.of(EspeakEngineProvider.ISOLATION, isolation)));
             Voice voice = engine.load("espeak:en-us")) {
            for (int i = 0; i < 20; i++) {
                voice.synthesize(PARAGRAPH, SynthesisOptions.defaults(), DISCARD);
            }
            AtomicLong done = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            long[] window = new long[2];
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    while (System.nanoTime() < window[1]) {
                        voice.synthesize(PARAGRAPH, SynthesisOptions.defaults(), DISCARD);
                        done.incrementAndGet();
                    }
                }));
            }
            window[0] = System.nanoTime();
            window[1] = window[0] + seconds * 1_000_000_000L;
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
            double elapsed = (System.nanoTime() - window[0]) / 1e9;
            return done.get() * PARAGRAPH.length() / elapsed;
        }
    }

    private static void latency() throws Exception {
        int runs = 31;
        double[] inProcess = new double[runs];
        try (TtsEngine engine = new EspeakEngineProvider().open(EngineContext.of(1));
             Voice voice = engine.load("espeak:en-us")) {
            for (int i = 0; i < 20; i++) {
                voice.synthesize(PARAGRAPH, SynthesisOptions.defaults(), DISCARD);
            }
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                voice.synthesize(PARAGRAPH, SynthesisOptions.defaults(), DISCARD);
                inProcess[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Path out = Files.createTempFile("espeak-bench", ".wav");
        double[] process = new double[runs];
        try {
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder("espeak-ng", "-v", "en-us", "-w", out.toString(), PARAGRAPH)
                        .redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("espeak-ng exited with " + p.exitValue());
                }
                process[i] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf(Locale.ROOT, "wav from espeak-ng: %d bytes%n", Files.size(out));
        } finally {
            Files.deleteIfExists(out);
        }
        System.out.printf(Locale.ROOT, "in-process synthesis of %d chars: median %.2f ms (min %.2f, max %.2f)%n",
                PARAGRAPH.length(), median(inProcess), min(inProcess), max(inProcess));
        System.out.printf(Locale.ROOT, "espeak-ng -w per request:        median %.2f ms (min %.2f, max %.2f)%n",
                median(process), min(process), max(process));
    }

    private static void openTime() {
        for (int workers : new int[] {1, 2, 4}) {
            double[] ms = new double[3];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                new EspeakEngineProvider().open(EngineContext.of(workers)).close();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf(Locale.ROOT, "open+close with %d private copies: median %.1f ms %s%n", workers,
                    median(ms), Arrays.toString(rounded(ms)));
        }
    }

    /** Times the fast path of a rewind: one copy of the statics' size from a Java array into native memory. */
    private static void rewindCopy() {
        ElfImage elf;
        try {
            elf = ElfImage.read(LibraryLocator.library(null));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        long start = elf.section(".data").orElseThrow().address();
        long bytes = elf.section(".bss").orElseThrow().end() - start;
        long[] words = new long[(int) (bytes / 8)];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(words.length * 8L, 8);
            int n = 20_000;
            for (int round = 0; round < 2; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    MemorySegment.copy(words, 0, region, JAVA_LONG, 0, words.length);
                }
                if (round == 1) {
                    System.out.printf(Locale.ROOT, "rewind fast path: %d bytes of statics, %.1f us per copy%n", bytes,
                            (System.nanoTime() - t0) / 1e3 / n);
                }
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    private static long[] rounded(double[] values) {
        return Arrays.stream(values).mapToLong(Math::round).toArray();
    }
}
