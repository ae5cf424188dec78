package dev.chorus.loadgen;

import dev.chorus.audio.AudioEncoder;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisRequest;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Uncached synthesis through the server against the same synthesis called in-process ({@link Synthesizer}
 * directly), for the same texts at the same concurrency, in alternating rounds; the difference is what the server
 * adds (HTTP, JSON, encoding to the wire, scheduling on the event loop). Every request's text is new (a take
 * number), so a cache in the server cannot answer it.
 */
public final class EngineComparison {

    private EngineComparison() {
    }

    /** Runs {@code rounds} rounds of each side and prints the medians; returns them for the JSON result. */
    public static Map<String, Object> run(LoadGenerator generator, URI speechUrl, Synthesizer synthesizer,
                                          String voice, String format, List<String> texts,
                                          LoadGenerator.Settings settings, int rounds, PrintStream out) {
        AudioEncoding encoding = AudioEncoding.parse(format);
        List<Double> serverRps = new ArrayList<>();
        List<Double> engineRps = new ArrayList<>();
        List<Double> serverP50 = new ArrayList<>();
        List<Double> engineP50 = new ArrayList<>();
        List<Object> results = new ArrayList<>();
        AtomicLong take = new AtomicLong();
        for (int r = 0; r < rounds; r++) {
            LoadResult server = generator.run(settings.withLabel("server, round " + (r + 1)),
                    i -> SpeechRequests.post(speechUrl, voice, format, Texts.pick(texts, take.incrementAndGet(), true),
                            true));
            LoadResult engine = inProcess(synthesizer, voice, encoding, texts, settings, take);
            out.print(server.summary());
            out.print(engine.summary());
            serverRps.add(server.requestsPerSecond());
            engineRps.add(engine.requestsPerSecond());
            serverP50.add(server.latency().p50());
            engineP50.add(engine.latency().p50());
            results.add(server.json());
            results.add(engine.json());
        }
        double s = LoadGenerator.median(serverRps);
        double e = LoadGenerator.median(engineRps);
        double sp = LoadGenerator.median(serverP50);
        double ep = LoadGenerator.median(engineP50);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rounds", rounds);
        m.put("server_requests_per_second", s);
        m.put("engine_requests_per_second", e);
        m.put("throughput_overhead_percent", (e / s - 1) * 100);
        m.put("server_p50_ms", sp);
        m.put("engine_p50_ms", ep);
        m.put("latency_overhead_percent", (sp / ep - 1) * 100);
        m.put("runs", results);
        out.printf(Locale.ROOT, "engine vs server (medians of %d rounds): in-process %.2f requests/s, server %.2f"
                        + " requests/s: the server costs %.1f%% in throughput; p50 %.1f ms in-process vs %.1f ms"
                        + " through the server (+%.1f%%)%n", rounds, e, s, (e / s - 1) * 100, ep, sp,
                (sp / ep - 1) * 100);
        return m;
    }

    /** Encodes a synthesis as the server would and drops the bytes. */
    private static final class DiscardingEncoder implements SynthesisListener {
        private final AudioEncoding encoding;
        private AudioEncoder encoder;

        DiscardingEncoder(AudioEncoding encoding) {
            this.encoding = encoding;
        }

        @Override
        public void onStart(dev.chorus.tts.VoiceInfo voice, int sampleRate, int chunks) {
            encoder = AudioEncoder.create(encoding, sampleRate, OutputStream.nullOutputStream());
        }

        @Override
        public void onAudio(short[] pcm, int offset, int length) {
            try {
                encoder.write(pcm, offset, length);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void onComplete(SynthesisSummary summary) {
            try {
                encoder.finish();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Runs the same closed loop on the synthesizer itself, encoding to a sink that discards the bytes. */
    private static LoadResult inProcess(Synthesizer synthesizer, String voice, AudioEncoding encoding,
                                        List<String> texts, LoadGenerator.Settings s, AtomicLong take) {
        Histogram latency = new ConcurrentHistogram(600_000_000L, 3);
        AtomicLong ok = new AtomicLong();
        Map<String, Long> errors = new java.util.concurrent.ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        long end = t0 + s.duration().toNanos();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < Math.max(1, s.concurrency()); c++) {
                clients.submit(() -> {
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        try {
                            // Without the sentence cache, as the server's requests ask for too.
                            synthesizer.start(new SynthesisRequest(Texts.pick(texts, take.incrementAndGet(), true),
                                    voice, null, encoding, 0, null), new DiscardingEncoder(encoding),
                                    SynthesisObserver.NONE, false).completion().join();
                            latency.recordValue((System.nanoTime() - start) / 1000);
                            ok.incrementAndGet();
                        } catch (RuntimeException e) {
                            errors.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                        }
                    }
                });
            }
        }
        double seconds = Math.max(s.duration().toNanos(), System.nanoTime() - t0) / 1e9;
        LoadResult.Percentiles p = LoadResult.Percentiles.of(latency);
        return new LoadResult("in-process engine", "closed", s.concurrency(), 0, seconds, ok.get(),
                new java.util.TreeMap<>(errors), 0, p, null, p, LoadResult.Percentiles.NONE, 0,
                0);
    }
}
