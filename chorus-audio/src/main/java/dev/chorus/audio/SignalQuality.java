package dev.chorus.audio;

import java.util.Arrays;

/**
 * Signal checks of one response's audio: how much of it is clipped or silent, its loudness, its DC offset and an
 * estimate of its signal-to-noise ratio. Measured with a {@link Meter} fed as the audio streams.
 *
 * <ul>
 *   <li>{@code clippingRatio}: samples at or within one step of full scale (|x| &gt;= 32766), over all samples.</li>
 *   <li>{@code silenceRatio}: 20 ms frames whose RMS is below -50 dBFS, over all frames.</li>
 *   <li>{@code loudnessLufs}: integrated loudness per ITU-R BS.1770-4 / EBU R128 for one channel (weight 1.0):
 *       K-weighting (the high shelf and the RLB high-pass, designed for the actual sample rate), 400 ms blocks
 *       every 100 ms, an absolute gate at -70 LUFS and a relative gate 10 LU below the loudness of the blocks that
 *       pass it. A sine of peak amplitude A reads {@code 20·log10(A) - 3.01} LUFS (mono; a stereo pair reads
 *       3 dB more). {@link Double#NEGATIVE_INFINITY} when every block is gated out (silence, under 400 ms).</li>
 *   <li>{@code dcOffset}: the mean sample over full scale, -1 to 1.</li>
 *   <li>{@code snrDb}: an estimate for speech with pauses: 10·log10 of the 95th over the 10th percentile of the
 *       20 ms frames' power, at most 100 dB (digital silence in the pauses reads 100).</li>
 * </ul>
 *
 * @param seconds        how much audio was measured
 * @param clippingRatio  the clipped share of samples, 0 to 1
 * @param silenceRatio   the silent share of 20 ms frames, 0 to 1
 * @param loudnessLufs   the integrated loudness in LUFS
 * @param dcOffset       the mean sample over full scale
 * @param snrDb          the estimated signal-to-noise ratio in dB, 0 to 100
 */
public record SignalQuality(double seconds, double clippingRatio, double silenceRatio, double loudnessLufs,
                            double dcOffset, double snrDb) {

    /** The quietest 20 ms frame RMS that is not silence: -50 dBFS. */
    public static final double SILENCE_DBFS = -50;
    /** The most an SNR estimate says, in dB. */
    public static final double MAX_SNR_DB = 100;

    /** Measures all of {@code samples} at {@code sampleRate}. */
    public static SignalQuality of(short[] samples, int sampleRate) {
        Meter m = new Meter(sampleRate);
        m.accept(samples, 0, samples.length);
        return m.result();
    }

    /**
     * Measures a stream of mono 16-bit samples. Not thread-safe; costs two biquad filters and a few additions per
     * sample, and keeps one number per 20 ms frame and per 100 ms step (about 60 KiB per hour of audio).
     */
    public static final class Meter implements SampleConsumer {

        private static final double FULL_SCALE = 32768.0;
        private static final int CLIPPED = 32766;
        /**
         * Added to the filters' input with alternating sign (a tone at half the sample rate, 300 dB below the
         * quietest sample): in digital silence the filters' state would otherwise decay into subnormal numbers,
         * which the processor computes about forty times slower (audio that is half silence cost the meter
         * nineteen times as much as speech throughout). It keeps the state at about this size, far below the
         * -70 LUFS gate, and changes no reading.
         */
        private static final double GUARD = 1e-20;

        private final int rate;
        private final int frameLength;
        private final int stepLength;
        private final double[] shelf;
        private final double[] highPass;
        /** The filters' last inputs and outputs: x (samples), y (after the shelf), z (after the high-pass). */
        private double x1, x2, y1, y2, z1, z2;
        private long samples;
        private long clipped;
        private double sum;
        private double framePower;
        private int frameFill;
        private double[] frames = new double[256];
        private int frameCount;
        private double stepPower;
        private int stepFill;
        private double[] steps = new double[256];
        private int stepCount;

        /** Creates a meter for audio at {@code sampleRate} Hz. */
        public Meter(int sampleRate) {
            SampleRates.check("sampleRate", sampleRate);
            this.rate = sampleRate;
            this.frameLength = Math.max(1, sampleRate / 50);
            this.stepLength = Math.max(1, sampleRate / 10);
            this.shelf = highShelf(sampleRate);
            this.highPass = highPass(sampleRate);
        }

        @Override
        public void accept(short[] in, int offset, int length) {
            java.util.Objects.checkFromIndexSize(offset, length, in.length);
            // The state in locals for the loop, written back after it: the filters run on registers, not fields.
            final double b0 = shelf[0], b1 = shelf[1], b2 = shelf[2], a1 = shelf[3], a2 = shelf[4];
            final double c0 = highPass[0], c1 = highPass[1], c2 = highPass[2], d1 = highPass[3], d2 = highPass[4];
            double x1 = this.x1, x2 = this.x2, y1 = this.y1, y2 = this.y2, z1 = this.z1, z2 = this.z2;
            double sum = this.sum, framePower = this.framePower, stepPower = this.stepPower;
            double guard = samples % 2 == 0 ? GUARD : -GUARD; // its sign alternates from the first sample on
            long clipped = this.clipped;
            int frameFill = this.frameFill, stepFill = this.stepFill;
            for (int i = offset; i < offset + length; i++) {
                int v = in[i];
                if (v >= CLIPPED || v <= -CLIPPED) {
                    clipped++;
                }
                double x = v / FULL_SCALE;
                sum += x;
                framePower += x * x;
                if (++frameFill == frameLength) {
                    frames = add(frames, frameCount++, framePower / frameLength);
                    framePower = 0;
                    frameFill = 0;
                }
                // K-weighting: direct form I, one biquad after the other. Summed so that only one multiply and
                // one subtraction wait for the previous output: the filters are bound by that latency.
                double xf = x + guard;
                guard = -guard;
                double y = (b0 * xf + b1 * x1 + b2 * x2 - a2 * y2) - a1 * y1;
                double z = (c0 * y + c1 * y1 + c2 * y2 - d2 * z2) - d1 * z1;
                x2 = x1;
                x1 = xf;
                y2 = y1;
                y1 = y;
                z2 = z1;
                z1 = z;
                stepPower += z * z;
                if (++stepFill == stepLength) {
                    steps = add(steps, stepCount++, stepPower);
                    stepPower = 0;
                    stepFill = 0;
                }
            }
            this.x1 = x1;
            this.x2 = x2;
            this.y1 = y1;
            this.y2 = y2;
            this.z1 = z1;
            this.z2 = z2;
            this.sum = sum;
            this.framePower = framePower;
            this.stepPower = stepPower;
            this.clipped = clipped;
            this.frameFill = frameFill;
            this.stepFill = stepFill;
            samples += length;
        }

        /** Returns the filters' state (their last inputs and outputs), for tests. */
        double[] filterState() {
            return new double[] {x1, x2, y1, y2, z1, z2};
        }

        /** Returns the checks of everything fed so far (a partial last frame or step is left out). */
        public SignalQuality result() {
            if (samples == 0) {
                return new SignalQuality(0, 0, 0, Double.NEGATIVE_INFINITY, 0, 0);
            }
            return new SignalQuality(samples / (double) rate, clipped / (double) samples, silenceRatio(),
                    loudness(), sum / samples, snr());
        }

        private double silenceRatio() {
            if (frameCount == 0) {
                return 0;
            }
            double threshold = Math.pow(10, SILENCE_DBFS / 10);
            int silent = 0;
            for (int i = 0; i < frameCount; i++) {
                if (frames[i] < threshold) {
                    silent++;
                }
            }
            return silent / (double) frameCount;
        }

        private double loudness() {
            int blocks = stepCount - 3;
            if (blocks <= 0) {
                return Double.NEGATIVE_INFINITY;
            }
            double[] z = new double[blocks];
            for (int b = 0; b < blocks; b++) {
                z[b] = (steps[b] + steps[b + 1] + steps[b + 2] + steps[b + 3]) / (4.0 * stepLength);
            }
            double absolute = Math.pow(10, (-70 + 0.691) / 10);
            double relative = mean(z, absolute) * Math.pow(10, -10 / 10.0);
            double gated = mean(z, Math.max(absolute, relative));
            return gated > 0 ? -0.691 + 10 * Math.log10(gated) : Double.NEGATIVE_INFINITY;
        }

        /** Returns the mean of the blocks strictly above {@code gate}, or 0 when none is. */
        private static double mean(double[] z, double gate) {
            double total = 0;
            int n = 0;
            for (double v : z) {
                if (v > gate) {
                    total += v;
                    n++;
                }
            }
            return n == 0 ? 0 : total / n;
        }

        private double snr() {
            if (frameCount == 0) {
                return 0;
            }
            double[] sorted = Arrays.copyOf(frames, frameCount);
            Arrays.sort(sorted);
            double noise = sorted[(int) Math.floor(0.10 * (frameCount - 1))];
            double signal = sorted[(int) Math.ceil(0.95 * (frameCount - 1))];
            if (signal <= 0) {
                return 0;
            }
            if (noise <= 0) {
                return MAX_SNR_DB;
            }
            return Math.clamp(10 * Math.log10(signal / noise), 0, MAX_SNR_DB);
        }

        private static double[] add(double[] a, int at, double v) {
            double[] out = at < a.length ? a : Arrays.copyOf(a, a.length * 2);
            out[at] = v;
            return out;
        }

        /** The BS.1770 pre-filter (a high shelf of about +4 dB above 1.5 kHz): {b0, b1, b2, a1, a2}. */
        private static double[] highShelf(int fs) {
            double f0 = 1681.974450955533;
            double gainDb = 3.999843853973347;
            double q = 0.7071752369554196;
            double k = Math.tan(Math.PI * f0 / fs);
            double vh = Math.pow(10, gainDb / 20);
            double vb = Math.pow(vh, 0.4996667741545416);
            double a0 = 1 + k / q + k * k;
            return new double[] {(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
                2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0};
        }

        /** The BS.1770 RLB weighting (a second-order high-pass at 38 Hz): {b0, b1, b2, a1, a2}. */
        private static double[] highPass(int fs) {
            double f0 = 38.13547087602444;
            double q = 0.5003270373238773;
            double k = Math.tan(Math.PI * f0 / fs);
            double a0 = 1 + k / q + k * k;
            return new double[] {1, -2, 1, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0};
        }
    }
}
