package dev.chorus.service.quality;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The quality estimate's settings: a MOS predictor on a model the user supplies. Without a model there is no
 * estimate, and no {@code chorus_quality_mos} metric.
 *
 * @param model              the model file ({@code quality.mos.model}), or null: off (the default)
 * @param predictor          the predictor family's id ({@code quality.mos.predictor}, default {@code dnsmos})
 * @param predictorSettings  the family's own settings, such as {@code personalized}
 * @param sampleFraction     the fraction of responses rated, 0 to 1 ({@code quality.mos.sample-fraction}, default 0.1)
 * @param workers            predictions at once, on threads of their own ({@code quality.mos.workers}, default 1)
 * @param queue              responses that may wait for a thread; more are dropped and counted (default 16)
 * @param maxSeconds         the most audio of one response that is rated (default 30)
 */
public record MosSettings(Path model, String predictor, Map<String, String> predictorSettings, double sampleFraction,
                          int workers, int queue, int maxSeconds) {

    /** No model: no estimate. */
    public static final MosSettings OFF = new MosSettings(null, "dnsmos", Map.of(), 0.1, 1, 16, 30);

    public MosSettings {
        Objects.requireNonNull(predictor, "predictor");
        predictorSettings = Map.copyOf(predictorSettings);
        if (!(sampleFraction >= 0 && sampleFraction <= 1)) {
            throw new IllegalArgumentException("quality.mos.sample-fraction: " + sampleFraction
                    + " (expected: 0 to 1)");
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("quality.mos.workers: " + workers + " (expected: 1 to 64)");
        }
        if (queue < 0) {
            throw new IllegalArgumentException("quality.mos.queue: " + queue + " (expected: >= 0)");
        }
        if (maxSeconds < 1) {
            throw new IllegalArgumentException("quality.mos.max-seconds: " + maxSeconds + " (expected: >= 1)");
        }
    }

    /** Tells whether a model is configured. */
    public boolean enabled() {
        return model != null;
    }

    /** Returns a copy with {@code m} as the model. */
    public MosSettings withModel(Path m) {
        return new MosSettings(m, predictor, predictorSettings, sampleFraction, workers, queue, maxSeconds);
    }

    /** Returns a copy with {@code f} as the sample fraction. */
    public MosSettings withSampleFraction(double f) {
        return new MosSettings(model, predictor, predictorSettings, f, workers, queue, maxSeconds);
    }
}
