package dev.chorus.audio;

import dev.chorus.audio.internal.FilterBanks;
import dev.chorus.audio.internal.IdentityResampler;
import dev.chorus.audio.internal.PolyphaseResampler;

/**
 * Converts a stream of mono 16-bit samples from one sample rate to another, as the samples arrive.
 *
 * <p>One instance serves one stream and is not thread-safe. Feed it with {@link #process} as audio arrives;
 * each call returns the output that the input so far fully determines (possibly none), and {@link #flush}
 * returns the rest once the input has ended. The concatenated output is identical, bit for bit, however the
 * input was split into calls, holds {@code ceil(inputLength * outputRate / inputRate)} samples, and is not
 * shifted in time: output sample {@code n} is the input signal at time {@code n / outputRate}. Output lags the
 * input handed in by about half a filter length: 58 input samples (2.6 ms) at 22050 to 48000 Hz, 172 input
 * samples (3.6 ms) at 48000 to 16000 Hz.
 *
 * <h2>Design</h2>
 * A polyphase windowed-sinc filter at the rational ratio {@code L/M = outputRate/inputRate} reduced by their
 * greatest common divisor. The low-pass cutoff sits at 0.95 of the lower of the two Nyquist frequencies, with the
 * passband ending at 0.90 and the stopband starting at exactly the lower Nyquist frequency, so nothing above the
 * new Nyquist frequency folds back when downsampling, and no image survives when upsampling. A Kaiser window
 * designed for 90 dB (beta 8.96) sets the length by Kaiser's formula, about 116 taps at the lower rate: 10 dB
 * above the 80 dB target, to absorb the formula's error and float coefficients. Kaiser windows have equal
 * ripple in both bands, so 90 dB of attenuation also means about +/-0.0003 dB of passband ripple, far below
 * the 0.1 dB target. The band from 0.90 to 1.0 of the lower Nyquist is the transition; for 16 kHz speech that
 * is above 7.2 kHz.
 *
 * <p>Each pair's coefficient table is designed once and shared by every stream in a thread-safe cache. Each row
 * is normalised to unit DC gain. When {@code L} is large (rates with a small common divisor, such as 44100 and
 * 47999), the table resolves fewer positions per input sample than {@code L} (973 when upsampling, fewer for
 * the wider kernels of downsampling) and the converter interpolates linearly between rows, which adds an
 * error estimated near -118 dB. Arithmetic is in float; outputs are rounded and clipped
 * to 16 bits.
 *
 * <h2>Measured quality</h2>
 * Measured by {@code ResamplerQualityTest} two ways: from the frequency response of the actual float coefficient
 * table (all phases, zero-padded FFT), and by sweeping 239 tones from 0 to the input Nyquist frequency through
 * the converter in float, taking the passband gain of each tone and everything else in the output (aliases,
 * images) as leakage. Ripple is peak to peak from 0 to 0.9 of the lower Nyquist frequency.
 * <table class="striped">
 *   <caption>Passband ripple and stopband attenuation</caption>
 *   <thead><tr><th>rates (Hz)</th><th>taps x phases</th><th>response: ripple</th><th>response: stopband</th>
 *     <th>sweep: ripple</th><th>sweep: worst alias or image</th></tr></thead>
 *   <tbody>
 *   <tr><td>22050 to 48000</td><td>116 x 320</td><td>0.0005 dB</td><td>90.1 dB</td><td>0.0004 dB</td>
 *     <td>-92.6 dB</td></tr>
 *   <tr><td>48000 to 16000</td><td>344 x 1</td><td>0.0005 dB</td><td>89.8 dB</td><td>0.0004 dB</td>
 *     <td>-93.2 dB</td></tr>
 *   <tr><td>44100 to 22050</td><td>232 x 1</td><td>0.0005 dB</td><td>90.2 dB</td><td>0.0003 dB</td>
 *     <td>-92.6 dB</td></tr>
 *   <tr><td>48000 to 44100</td><td>128 x 147</td><td>0.0005 dB</td><td>90.1 dB</td><td>0.0005 dB</td>
 *     <td>-90.8 dB</td></tr>
 *   <tr><td>44100 to 47999 (interpolated)</td><td>116 x 973</td><td>-</td><td>-</td><td>0.0004 dB</td>
 *     <td>-92.6 dB</td></tr>
 *   </tbody>
 * </table>
 * At 16 bits, output rounding dominates what is left: a full-scale tone just above the new Nyquist frequency
 * (8100 Hz at 48000 to 16000 Hz) leaves 0.6 LSB RMS, 90.9 dB down. Gain is -6 dB at 0.95 of the lower Nyquist
 * frequency, the cutoff.
 */
public interface Resampler {

    /**
     * Creates a converter from {@code inputRate} to {@code outputRate}; a pass-through copy when they are equal.
     *
     * @throws IllegalArgumentException if a rate lies outside {@link SampleRates#MIN} to {@link SampleRates#MAX}
     */
    static Resampler create(int inputRate, int outputRate) {
        SampleRates.check("inputRate", inputRate);
        SampleRates.check("outputRate", outputRate);
        if (inputRate == outputRate) {
            return new IdentityResampler(inputRate);
        }
        return new PolyphaseResampler(inputRate, outputRate, FilterBanks.forRates(inputRate, outputRate));
    }

    /**
     * Converts {@code length} samples of {@code in} starting at {@code offset}, returning the output that is
     * ready now: a new array, possibly empty. The input array is not retained.
     *
     * @throws IndexOutOfBoundsException if the range lies outside {@code in}
     * @throws IllegalStateException if {@link #flush} was called
     */
    short[] process(short[] in, int offset, int length);

    /**
     * Ends the input and returns the remaining output; afterwards {@link #process} fails and {@code flush}
     * returns an empty array.
     */
    short[] flush();

    /** Returns the sample rate of the input, in Hz. */
    int inputRate();

    /** Returns the sample rate of the output, in Hz. */
    int outputRate();
}
