package dev.chorus.asr.quality;

import java.util.Optional;

/**
 * Predicts how listeners would rate a piece of speech, with a model a user supplies. Thread-safe: one predictor
 * serves every thread. {@link #close} frees the model; calls after it fail.
 */
public interface MosPredictor extends AutoCloseable {

    /** Returns a short name of the predictor and its model, such as {@code dnsmos sig_bak_ovr.onnx}. */
    String description();

    /**
     * Predicts the score of {@code length} mono 16-bit samples of {@code samples} from {@code offset}, recorded at
     * {@code sampleRate} Hz (resampled as the model needs). The array is not kept.
     *
     * @return the score, or empty when there is no audio to rate (never a made-up number)
     * @throws IllegalArgumentException if the range or the rate is invalid
     * @throws IllegalStateException    if the predictor is closed or its model fails
     */
    Optional<MosScore> predict(short[] samples, int offset, int length, int sampleRate);

    /** Frees the model, waiting a bounded time for predictions in progress. */
    @Override
    void close();
}
