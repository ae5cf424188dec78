package dev.chorus.engine.espeak;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;

import java.util.Arrays;
import java.util.Map;

/** Opens the engine for tests, and tells once, loudly, when eSpeak NG is not installed. */
public final class EspeakFixture {

    private static final String MISSING = missing();

    private EspeakFixture() {
    }

    /** Returns whether the engine can run here; prints why not the first time it cannot. */
    public static boolean available() {
        return MISSING == null;
    }

    /** Fails the calling test class, saying why, when the engine cannot run here. */
    public static void assumeAvailable() {
        if (!available()) {
            throw new AssertionError("eSpeak NG is not installed: " + MISSING
                    + " (run scripts/install-test-deps.sh: libespeak-ng1, espeak-ng-data)");
        }
    }

    /** Opens the engine with {@code workers} workers and the given settings. */
    public static TtsEngine open(int workers, Map<String, String> settings) {
        return new EspeakEngineProvider().open(new EngineContext(workers, settings));
    }

    /** Synthesizes {@code text} and returns every sample. */
    public static short[] speak(Voice voice, String text, SynthesisOptions options) {
        Samples sink = new Samples();
        voice.synthesize(text, options, sink);
        return sink.samples();
    }

    private static String missing() {
        try {
            open(1, Map.of()).close();
            return null;
        } catch (EngineUnavailableException e) {
            return e.getMessage();
        }
    }

    /** A sink that keeps the audio in a growing array. */
    public static final class Samples implements AudioSink {
        private short[] samples = new short[1 << 16];
        private int length;

        @Override
        public Action onAudio(short[] buffer, int offset, int count) {
            if (length + count > samples.length) {
                samples = Arrays.copyOf(samples, Math.max(samples.length * 2, length + count));
            }
            System.arraycopy(buffer, offset, samples, length, count);
            length += count;
            return Action.CONTINUE;
        }

        /** Returns the samples received. */
        public short[] samples() {
            return Arrays.copyOf(samples, length);
        }
    }
}
