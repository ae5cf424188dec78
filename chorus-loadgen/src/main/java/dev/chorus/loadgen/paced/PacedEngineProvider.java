package dev.chorus.loadgen.paced;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A benchmark engine whose speed is set, not measured: engine {@code paced}, whose every sentence (one chunk of the
 * runtime's plan) takes {@code engines.paced.sentence-millis} ms plus {@code engines.paced.char-millis} ms per
 * character, spent asleep, so it costs almost no CPU. With {@code engines.paced.workers} threads a worker running it
 * serves exactly {@code workers / (sentence-millis + chars × char-millis) × 1000} one-sentence requests per second
 * however many cores the machine has, which is what routing benchmarks need: the capacity of each worker is fixed,
 * and one worker can be made four times slower than the others by its settings alone.
 *
 * <p>Voices: {@code engines.paced.voices} (comma-separated names, default {@code tone}), each {@code paced:NAME},
 * en-US, 16 kHz. Each word gives 50 ms of a sine whose pitch depends on the word (precomputed, so the audio costs
 * nothing to make), with a word event.
 *
 * <p>This engine is not registered with {@link java.util.ServiceLoader} in the shipped program, so a plain
 * {@code chorus serve} never lists it. A process loads it when a directory holding
 * {@code META-INF/services/dev.chorus.tts.spi.TtsEngineProvider} with this class's name is on its class path, as
 * {@code scripts/perf/routing.sh} does for its workers.
 */
public final class PacedEngineProvider implements TtsEngineProvider {

    /** The sample rate of every paced voice. */
    public static final int RATE = 16_000;

    private static final int TONES = 16;
    private static final short[][] BLOCKS = new short[TONES][];

    static {
        for (int t = 0; t < TONES; t++) {
            double hz = 200 + 40 * t;
            short[] s = new short[RATE / 20];
            for (int i = 0; i < s.length; i++) {
                s[i] = (short) Math.round(6000 * Math.sin(2 * Math.PI * hz * i / RATE));
            }
            BLOCKS[t] = s;
        }
    }

    @Override
    public String id() {
        return "paced";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        long sentenceNanos = nanos(context, "sentence-millis", "200");
        long charNanos = nanos(context, "char-millis", "0");
        List<VoiceInfo> voices = Arrays.stream(context.setting("paced.voices", "tone").split(","))
                .map(String::strip).filter(n -> !n.isEmpty())
                .map(n -> new VoiceInfo("paced:" + n, "Paced " + n, "en-US", null, RATE, "paced", "1", true))
                .toList();
        if (voices.isEmpty()) {
            throw new IllegalArgumentException("engines.paced.voices: '" + context.setting("paced.voices", "")
                    + "' (expected: one or more voice names, comma-separated)");
        }
        String description = String.format(Locale.ROOT, "paced benchmark engine: %.1f ms a sentence + %.3f ms a"
                + " character, %d threads", sentenceNanos / 1e6, charNanos / 1e6, context.workers());
        return new TtsEngine() {
            @Override
            public String id() {
                return "paced";
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public List<VoiceInfo> voices() {
                return voices;
            }

            @Override
            public Voice load(String voiceId) {
                VoiceInfo info = voices.stream().filter(v -> v.id().equals(voiceId)).findFirst()
                        .orElseThrow(() -> new VoiceNotFoundException(voiceId, voices.stream().map(VoiceInfo::id)
                                .toList()));
                return new PacedVoice(info, sentenceNanos, charNanos);
            }

            @Override
            public void close() {
            }
        };
    }

    /** Reads a non-negative number of milliseconds setting as nanoseconds, naming the setting when it is wrong. */
    private static long nanos(EngineContext context, String key, String fallback) {
        String value = context.setting("paced." + key, fallback).strip();
        double ms;
        try {
            ms = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (!(ms >= 0) || ms > 600_000) {
            throw new IllegalArgumentException("engines.paced." + key + ": '" + value
                    + "' (expected: milliseconds, a number from 0 to 600000)");
        }
        return Math.round(ms * 1e6);
    }

    /** One paced voice: sleeps until its sentence's time is up, then hands over the words' audio. */
    private record PacedVoice(VoiceInfo info, long sentenceNanos, long charNanos) implements Voice {

        @Override
        public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
            ChunkText.validate(text);
            long due = System.nanoTime() + sentenceNanos + charNanos * text.length();
            // Sleeping to a deadline keeps the pace exact however the sleeps are cut short or overrun.
            for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            long offset = 0;
            int from = 0;
            for (String w : text.strip().split("\\s+")) {
                int at = Math.max(0, text.indexOf(w, from));
                from = at + w.length();
                short[] block = BLOCKS[Math.floorMod(w.hashCode(), TONES)].clone();
                if (sink.onEvent(new SynthesisEvent.Word(at, w.length(), offset)) == AudioSink.Action.STOP
                        || sink.onAudio(block, 0, block.length) == AudioSink.Action.STOP) {
                    return false;
                }
                offset += block.length;
            }
            return true;
        }

        @Override
        public void close() {
        }
    }
}
