package dev.chorus.audio;

import java.util.Arrays;
import java.util.Objects;

/**
 * Changes the duration of mono 16-bit audio by a speed factor while keeping its pitch, as the audio streams:
 * speed 2 halves the duration, 0.5 doubles it. Speeds range from {@link #MIN_SPEED} to {@link #MAX_SPEED}.
 *
 * <p>The output holds {@code round(inputLength / speed)} samples. At speed 1 the samples pass through
 * unchanged and at once; at any other speed the output lags the input by about a frame and the search
 * tolerance (below), 35 ms plus one hop of input.
 *
 * <h2>Design</h2>
 * WSOLA (waveform-similarity overlap-add, Verhelst and Roelands 1993). The output is built from frames of
 * 25 ms under a periodic Hann window, overlapping by half, so the windows sum to exactly one. Output frame
 * {@code k} starts at {@code k * hop}; its input is taken near {@code k * hop * speed}, within a tolerance of
 * ±10 ms, at the offset whose first half best matches the natural continuation of the previous frame's input
 * (the highest normalised cross-correlation). Periodic speech thus overlaps in phase, which keeps the pitch and
 * avoids the echo of plain overlap-add. A tolerance of 10 ms covers a full period of any voice above 100 Hz on
 * either side. The first half of the first frame is not faded in, and at the end the input is extended with
 * silence to complete the last frames. Arithmetic is in float; outputs are rounded and clipped to 16 bits.
 */
public final class TimeStretch implements SampleProcessor {

    /** The lowest speed: four times the duration. */
    public static final double MIN_SPEED = 0.25;

    /** The highest speed: a quarter of the duration. */
    public static final double MAX_SPEED = 4.0;

    private static final double FRAME_SECONDS = 0.025;
    private static final double TOLERANCE_SECONDS = 0.010;

    private final int sampleRate;
    private final double speed;
    private final boolean bypass;
    private final int frame;
    private final int hop;
    private final int tolerance;
    private final float[] window;

    /** Input samples from absolute index {@code base}; {@code length} of them are valid. */
    private float[] input = new float[0];
    private long base;
    private int length;
    private long inputTotal;

    /** Output samples from absolute index {@code k * hop}, where the next frame will be added. */
    private final float[] accumulator;
    /** Finished output not yet given out: it may not run ahead of {@code inputTotal / speed}. */
    private short[] ready = new short[0];
    private int readyLength;
    private long emitted;

    private long frameIndex;
    private long previousStart;
    private boolean flushed;

    private TimeStretch(int sampleRate, double speed) {
        this.sampleRate = sampleRate;
        this.speed = speed;
        this.bypass = speed == 1.0;
        int n = (int) Math.round(FRAME_SECONDS * sampleRate);
        this.frame = n + (n & 1);
        this.hop = frame / 2;
        this.tolerance = (int) Math.round(TOLERANCE_SECONDS * sampleRate);
        this.window = new float[frame];
        for (int i = 0; i < frame; i++) {
            window[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / frame));
        }
        this.accumulator = new float[frame];
    }

    /**
     * Creates a stretcher for audio at {@code sampleRate} that plays it {@code speed} times as fast.
     *
     * @throws IllegalArgumentException if {@code sampleRate} lies outside {@link SampleRates#MIN} to
     *     {@link SampleRates#MAX}, or {@code speed} outside {@link #MIN_SPEED} to {@link #MAX_SPEED}
     */
    public static TimeStretch create(int sampleRate, double speed) {
        SampleRates.check("sampleRate", sampleRate);
        if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) {
            throw new IllegalArgumentException(
                    "speed: " + speed + " (expected: " + MIN_SPEED + " to " + MAX_SPEED + ")");
        }
        return new TimeStretch(sampleRate, speed);
    }

    /** Returns the sample rate, in Hz. */
    public int sampleRate() {
        return sampleRate;
    }

    /** Returns the speed factor: output duration is input duration divided by it. */
    public double speed() {
        return speed;
    }

    /** Returns the output length for {@code inputLength} input samples: {@code round(inputLength / speed)}. */
    public long outputLength(long inputLength) {
        return bypass ? inputLength : Math.round(inputLength / speed);
    }

    @Override
    public void process(short[] samples, int offset, int length, SampleConsumer out) {
        Objects.requireNonNull(samples, "samples");
        Objects.checkFromIndexSize(offset, length, samples.length);
        Objects.requireNonNull(out, "out");
        if (flushed) {
            throw new IllegalStateException("time stretch already flushed");
        }
        if (length == 0) {
            return;
        }
        if (bypass) {
            out.accept(samples, offset, length);
            return;
        }
        append(samples, offset, length);
        inputTotal += length;
        while (available(frameIndex)) {
            addFrame();
        }
        emit((long) Math.floor(inputTotal / speed), out);
    }

    @Override
    public void flush(SampleConsumer out) {
        Objects.requireNonNull(out, "out");
        if (flushed) {
            return;
        }
        flushed = true;
        if (bypass) {
            return;
        }
        long total = outputLength(inputTotal);
        long lastFrame = Math.max(0, (total + hop - 1) / hop - 1);
        long needed = nominalStart(lastFrame) + tolerance + frame;
        if (needed > base + this.length) {
            appendSilence((int) (needed - base - this.length));
        }
        while (frameIndex <= lastFrame && available(frameIndex)) {
            addFrame();
        }
        emit(total, out);
        input = new float[0];
        ready = new short[0];
    }

    private long nominalStart(long k) {
        return Math.round(k * hop * speed);
    }

    private boolean available(long k) {
        return nominalStart(k) + tolerance + frame <= base + length;
    }

    /** Chooses the input of the next frame, adds it to the output and moves the finished hop to the ready queue. */
    private void addFrame() {
        long start;
        if (frameIndex == 0) {
            start = 0;
            for (int i = 0; i < frame; i++) {
                accumulator[i] += (i < hop ? 1f : window[i]) * input[(int) (i - base)];
            }
        } else {
            start = bestStart(nominalStart(frameIndex), previousStart + hop);
            int at = (int) (start - base);
            for (int i = 0; i < frame; i++) {
                accumulator[i] += window[i] * input[at + i];
            }
        }
        previousStart = start;
        frameIndex++;

        if (readyLength + hop > ready.length) {
            ready = Arrays.copyOf(ready, Math.max(2 * ready.length, readyLength + hop));
        }
        for (int i = 0; i < hop; i++) {
            ready[readyLength++] = (short) Math.clamp(Math.round(accumulator[i]), Short.MIN_VALUE, Short.MAX_VALUE);
        }
        System.arraycopy(accumulator, hop, accumulator, 0, frame - hop);
        Arrays.fill(accumulator, frame - hop, frame, 0f);
        discardBefore(Math.max(0, Math.min(previousStart + hop, nominalStart(frameIndex) - tolerance)));
    }

    /**
     * Returns the start, within the tolerance of {@code nominal}, whose first hop of input correlates best
     * (normalised by its energy) with the hop starting at {@code template}.
     */
    private long bestStart(long nominal, long template) {
        long from = Math.max(Math.max(0, base), nominal - tolerance);
        long to = nominal + tolerance;
        int t = (int) (template - base);
        int c0 = (int) (from - base);
        double energy = 0;
        for (int i = 0; i < hop; i++) {
            float x = input[c0 + i];
            energy += x * x;
        }
        long best = nominal;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (long c = from; c <= to; c++) {
            int ci = (int) (c - base);
            if (c > from) {
                float out = input[ci - 1];
                float in = input[ci + hop - 1];
                energy += in * in - out * out;
            }
            float dot = 0;
            for (int i = 0; i < hop; i++) {
                dot += input[ci + i] * input[t + i];
            }
            double score = dot / Math.sqrt(Math.max(energy, 0) + 1.0);
            if (score > bestScore) {
                bestScore = score;
                best = c;
            }
        }
        return best;
    }

    /** Gives out ready samples, but no more than {@code limit} in all. */
    private void emit(long limit, SampleConsumer out) {
        int count = (int) Math.min(readyLength, limit - emitted);
        if (count <= 0) {
            return;
        }
        out.accept(ready, 0, count);
        emitted += count;
        System.arraycopy(ready, count, ready, 0, readyLength - count);
        readyLength -= count;
    }

    private void append(short[] samples, int offset, int count) {
        ensureRoom(count);
        for (int i = 0; i < count; i++) {
            input[length + i] = samples[offset + i];
        }
        length += count;
    }

    private void appendSilence(int count) {
        ensureRoom(count);
        Arrays.fill(input, length, length + count, 0f);
        length += count;
    }

    private void ensureRoom(int count) {
        if (length + count > input.length) {
            input = Arrays.copyOf(input, Math.max(2 * input.length, length + count + frame));
        }
    }

    private void discardBefore(long position) {
        int drop = (int) Math.min(length, position - base);
        if (drop <= 0 || drop < length / 2 && drop < 4 * frame) {
            return;
        }
        System.arraycopy(input, drop, input, 0, length - drop);
        length -= drop;
        base += drop;
    }

    @Override
    public String toString() {
        return "TimeStretch[" + sampleRate + " Hz, speed " + speed + "]";
    }
}
