package dev.chorus.asr.paraformer.features;

import java.util.Objects;

/**
 * Low frame rate stacking and mean/variance normalization, as FunASR prepares Paraformer's input: each output frame
 * is {@code window} consecutive fbank frames side by side, one every {@code shift} frames (7 and 6: 60 ms per output
 * frame of 560 values). As FunASR does, the first frame is repeated {@code (window - 1) / 2} times before the start
 * and the last one after the end, so {@code ceil(frames / shift)} frames come out. Then each value {@code x} of
 * column {@code k} becomes {@code (x + negMean[k]) * invStddev[k]}, the model's CMVN (from its metadata).
 * Immutable and thread-safe.
 */
public final class LowFrameRate {

    private final int window;
    private final int shift;
    private final int inputDim;
    private final float[] negMean;
    private final float[] invStddev;

    private LowFrameRate(int window, int shift, int inputDim, float[] negMean, float[] invStddev) {
        this.window = window;
        this.shift = shift;
        this.inputDim = inputDim;
        this.negMean = negMean;
        this.invStddev = invStddev;
    }

    /**
     * Creates the stacking.
     *
     * @param window    frames stacked into one ({@code lfr_window_size}), >= 1
     * @param shift     frames between stacks ({@code lfr_window_shift}), >= 1
     * @param inputDim  values per input frame ({@link Fbank#BINS})
     * @param negMean   the negated means, {@code window * inputDim} values
     * @param invStddev the inverse standard deviations, {@code window * inputDim} values
     * @throws IllegalArgumentException naming the argument that does not fit
     */
    public static LowFrameRate of(int window, int shift, int inputDim, float[] negMean, float[] invStddev) {
        if (window < 1 || shift < 1 || inputDim < 1) {
            throw new IllegalArgumentException("window, shift, inputDim: " + window + ", " + shift + ", " + inputDim
                    + " (expected: >= 1)");
        }
        Objects.requireNonNull(negMean, "negMean");
        Objects.requireNonNull(invStddev, "invStddev");
        int dim = window * inputDim;
        if (negMean.length != dim || invStddev.length != dim) {
            throw new IllegalArgumentException("negMean, invStddev: " + negMean.length + ", " + invStddev.length
                    + " values (expected: " + dim + " each, window " + window + " x " + inputDim + ")");
        }
        return new LowFrameRate(window, shift, inputDim, negMean.clone(), invStddev.clone());
    }

    /** Returns the values per output frame: {@code window * inputDim}. */
    public int outputDim() {
        return window * inputDim;
    }

    /** Returns how many output frames {@code frames} input frames give: {@code ceil(frames / shift)}. */
    public int frames(int frames) {
        return (frames + shift - 1) / shift;
    }

    /** Returns the input frames between two output frames ({@code lfr_window_shift}). */
    public int shift() {
        return shift;
    }

    /**
     * Stacks and normalizes {@code features} ({@code frames} rows of {@code inputDim}, row-major).
     *
     * @return {@link #frames}{@code (frames)} rows of {@link #outputDim()} values, row-major
     */
    public float[] apply(float[] features, int frames) {
        if (frames < 0 || (long) frames * inputDim != features.length) {
            throw new IllegalArgumentException("features: " + features.length + " values for " + frames
                    + " frames (expected: frames x " + inputDim + ")");
        }
        int out = frames(frames);
        int dim = outputDim();
        int pad = (window - 1) / 2;
        float[] result = new float[out * dim];
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < window; j++) {
                int source = Math.clamp((long) i * shift + j - pad, 0, frames - 1);
                System.arraycopy(features, source * inputDim, result, i * dim + j * inputDim, inputDim);
            }
            for (int k = 0; k < dim; k++) {
                int at = i * dim + k;
                result[at] = (result[at] + negMean[k]) * invStddev[k];
            }
        }
        return result;
    }
}
