package dev.chorus.service.backcheck;

import java.util.Map;
import java.util.Objects;

/**
 * The speech back-check's settings.
 *
 * @param mode               when to listen (default {@link BackcheckMode#OFF})
 * @param sampleFraction     the fraction of requests {@link BackcheckMode#SAMPLED} checks, 0 to 1 (default 0.05)
 * @param recognizer         the recognizer family's id (default {@code pocketsphinx})
 * @param recognizerSettings the family's own settings, keys without its prefix (such as {@code model})
 * @param workers            decoders and threads that check beside the streams (default 1)
 * @param queue              checks that may wait for a thread; more are dropped and counted (default 64)
 * @param maxSeconds         the most audio of one request that is checked beside the stream (default 60)
 */
public record BackcheckSettings(BackcheckMode mode, double sampleFraction, String recognizer,
                                Map<String, String> recognizerSettings, int workers, int queue, int maxSeconds) {

    /** The back-check off. */
    public static final BackcheckSettings OFF = new BackcheckSettings(BackcheckMode.OFF, 0.05, "pocketsphinx",
            Map.of(), 1, 64, 60);

    public BackcheckSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(recognizer, "recognizer");
        recognizerSettings = Map.copyOf(recognizerSettings);
        if (!(sampleFraction >= 0 && sampleFraction <= 1)) {
            throw new IllegalArgumentException("backcheck.sample-fraction: " + sampleFraction + " (expected: 0 to 1)");
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("backcheck.workers: " + workers + " (expected: 1 to 64)");
        }
        if (queue < 0) {
            throw new IllegalArgumentException("backcheck.queue: " + queue + " (expected: >= 0)");
        }
        if (maxSeconds < 1) {
            throw new IllegalArgumentException("backcheck.max-seconds: " + maxSeconds + " (expected: >= 1)");
        }
    }

    /** Returns a copy with {@code m} as the mode. */
    public BackcheckSettings withMode(BackcheckMode m) {
        return new BackcheckSettings(m, sampleFraction, recognizer, recognizerSettings, workers, queue, maxSeconds);
    }

    /** Returns a copy with {@code f} as the sample fraction. */
    public BackcheckSettings withSampleFraction(double f) {
        return new BackcheckSettings(mode, f, recognizer, recognizerSettings, workers, queue, maxSeconds);
    }
}
