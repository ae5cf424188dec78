package dev.chorus.audio.internal;

import dev.chorus.audio.Resampler;

import java.util.Arrays;
import java.util.Objects;

/**
 * A streaming polyphase windowed-sinc converter over a shared {@link FilterBank}.
 *
 * <p>State: the input samples still needed ({@code history}), the absolute index of its first sample, and the
 * position of the next output as a whole input index plus a phase in units of {@code 1 / up} input samples.
 * Every output is computed from the same samples in the same order however the input was split into calls, so
 * chunked and one-shot conversion give identical bits. Before the first sample the input is taken to be
 * silence, and {@link #flush()} appends {@code taps / 2} samples of silence to finish the tail.
 */
public final class PolyphaseResampler implements Resampler {

    private static final short[] NO_SAMPLES = new short[0];
    private static final float[] NO_FLOATS = new float[0];

    private final int inputRate;
    private final int outputRate;
    private final int up;
    private final int down;
    private final int taps;
    private final int half;
    private final int phases;
    private final boolean interpolated;
    private final float[] table;
    private final int stepWhole;
    private final int stepPhase;

    private float[] history;
    private int filled;
    private long historyStart;
    private long center;
    private int phase;
    private long produced;
    private long received;
    private boolean flushed;

    /** Creates a converter; the rates are validated by the caller and must differ. */
    public PolyphaseResampler(int inputRate, int outputRate, FilterBank bank) {
        this.inputRate = inputRate;
        this.outputRate = outputRate;
        this.up = bank.up();
        this.down = bank.down();
        this.taps = bank.taps();
        this.half = taps / 2;
        this.phases = bank.phases();
        this.interpolated = bank.interpolated();
        this.table = bank.table();
        this.stepWhole = down / up;
        this.stepPhase = down % up;
        // Silence before the first sample, so the first outputs see a full window.
        this.history = new float[Math.max(4096, 2 * taps)];
        this.filled = half - 1;
        this.historyStart = -(half - 1);
    }

    @Override
    public short[] process(short[] in, int offset, int length) {
        Objects.requireNonNull(in, "in");
        Objects.checkFromIndexSize(offset, length, in.length);
        checkNotFlushed();
        makeRoom(length);
        for (int i = 0; i < length; i++) {
            history[filled + i] = in[offset + i];
        }
        filled += length;
        received += length;
        return renderShorts(readyCount());
    }

    /** Converts float samples (any scale) like {@link #process}, without rounding or clipping the output. */
    public float[] processFloats(float[] in, int offset, int length) {
        Objects.requireNonNull(in, "in");
        Objects.checkFromIndexSize(offset, length, in.length);
        checkNotFlushed();
        makeRoom(length);
        System.arraycopy(in, offset, history, filled, length);
        filled += length;
        received += length;
        return renderFloats(readyCount());
    }

    @Override
    public short[] flush() {
        if (flushed) {
            return NO_SAMPLES;
        }
        int count = padForFlush();
        short[] out = renderShorts(count);
        release();
        return out;
    }

    /** Finishes the stream like {@link #flush}, returning unrounded float samples. */
    public float[] flushFloats() {
        if (flushed) {
            return NO_FLOATS;
        }
        int count = padForFlush();
        float[] out = renderFloats(count);
        release();
        return out;
    }

    @Override
    public int inputRate() {
        return inputRate;
    }

    @Override
    public int outputRate() {
        return outputRate;
    }

    @Override
    public String toString() {
        return "PolyphaseResampler[" + inputRate + " -> " + outputRate + " Hz, " + taps + " taps, "
                + phases + (interpolated ? " interpolated" : "") + " phases]";
    }

    private void checkNotFlushed() {
        if (flushed) {
            throw new IllegalStateException("resampler already flushed");
        }
    }

    /** Appends the silence the last outputs look ahead into; returns how many outputs remain. */
    private int padForFlush() {
        flushed = true;
        long total = Math.ceilDiv(received * up, down);
        makeRoom(half);
        Arrays.fill(history, filled, filled + half, 0f);
        filled += half;
        return Math.toIntExact(total - produced);
    }

    private void release() {
        history = NO_FLOATS;
        filled = 0;
    }

    /** Returns how many outputs the buffered input fully determines. */
    private int readyCount() {
        // The output at input position t needs samples up to floor(t) + half.
        long maxCenter = historyStart + filled - 1 - half;
        if (maxCenter < center) {
            return 0;
        }
        long limit = ((maxCenter + 1) * up - 1) / down + 1;
        return Math.toIntExact(limit - produced);
    }

    /** Drops input no longer needed and grows the buffer so {@code extra} more samples fit. */
    private void makeRoom(int extra) {
        long firstNeeded = center - half + 1;
        int drop = (int) Math.min(firstNeeded - historyStart, filled);
        if (drop > 0) {
            System.arraycopy(history, drop, history, 0, filled - drop);
            filled -= drop;
            historyStart += drop;
        }
        if (filled + extra > history.length) {
            history = Arrays.copyOf(history, Math.max(filled + extra, 2 * history.length));
        }
    }

    private short[] renderShorts(int count) {
        if (count == 0) {
            return NO_SAMPLES;
        }
        short[] out = new short[count];
        for (int i = 0; i < count; i++) {
            int rounded = Math.round(next());
            out[i] = (short) Math.clamp(rounded, Short.MIN_VALUE, Short.MAX_VALUE);
        }
        return out;
    }

    private float[] renderFloats(int count) {
        if (count == 0) {
            return NO_FLOATS;
        }
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = next();
        }
        return out;
    }

    /** Computes the next output sample and advances the position by {@code down / up} input samples. */
    private float next() {
        int start = (int) (center - half + 1 - historyStart);
        float value;
        if (!interpolated) {
            value = dot(table, phase * taps, history, start, taps);
        } else {
            long scaled = (long) phase * phases;
            int row = (int) (scaled / up);
            float frac = (float) (scaled - (long) row * up) / up;
            float a = dot(table, row * taps, history, start, taps);
            float b = dot(table, (row + 1) * taps, history, start, taps);
            value = a + frac * (b - a);
        }
        center += stepWhole;
        phase += stepPhase;
        if (phase >= up) {
            phase -= up;
            center++;
        }
        produced++;
        return value;
    }

    /** Returns the dot product of {@code n} (a multiple of 4) values; four sums let the CPU overlap the adds. */
    private static float dot(float[] a, int aFrom, float[] b, int bFrom, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        for (int k = 0; k < n; k += 4) {
            s0 += a[aFrom + k] * b[bFrom + k];
            s1 += a[aFrom + k + 1] * b[bFrom + k + 1];
            s2 += a[aFrom + k + 2] * b[bFrom + k + 2];
            s3 += a[aFrom + k + 3] * b[bFrom + k + 3];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
