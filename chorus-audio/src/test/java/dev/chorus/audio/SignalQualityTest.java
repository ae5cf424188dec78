package dev.chorus.audio;

import dev.chorus.testing.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Signal checks against references of known level: sines, silence, noise, clipping and gating cases. */
class SignalQualityTest {

    @ParameterizedTest
    @ValueSource(ints = {48_000, 44_100, 22_050, 16_000})
    void aSineAtMinus20DbfsReadsMinus23LufsAtEveryRate(int rate) {
        // BS.1770: a 997 Hz sine in one channel reads its peak level minus 3.01 dB.
        SignalQuality q = SignalQuality.of(Signals.sine(997, rate, rate * 10, 0.1 * 32767), rate);
        assertThat(q.loudnessLufs()).isCloseTo(-23.01, within(0.1));
        assertThat(q.seconds()).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void kWeightingLiftsHighsAndCutsLows() {
        int rate = 48_000;
        double at1k = SignalQuality.of(Signals.sine(1000, rate, rate * 5, 0.1 * 32767), rate).loudnessLufs();
        double at8k = SignalQuality.of(Signals.sine(8000, rate, rate * 5, 0.1 * 32767), rate).loudnessLufs();
        double at20 = SignalQuality.of(Signals.sine(20, rate, rate * 5, 0.1 * 32767), rate).loudnessLufs();
        // The pre-filter's shelf reaches about +4 dB at high frequencies, of which +0.69 dB already act at 1 kHz
        // (the -0.691 in the loudness formula takes those back); the RLB filter cuts 20 Hz by several dB.
        assertThat(at8k - at1k).isBetween(3.0, 3.6);
        assertThat(at1k - at20).isGreaterThan(5);
    }

    @ParameterizedTest
    @ValueSource(ints = {48_000, 22_050, 8_000})
    void theFiltersStayOutOfSubnormalNumbersInDigitalSilence(int rate) {
        // Subnormal numbers cost the processor about forty times the work: a response with pauses made the
        // meter the largest cost of an uncached request. In silence the state must settle at normal numbers.
        SignalQuality.Meter meter = new SignalQuality.Meter(rate);
        short[] speech = Signals.speechLike(rate, 1, 7);
        meter.accept(speech, 0, speech.length);
        short[] silence = new short[rate / 20];
        for (int piece = 0; piece < 200; piece++) { // 10 s, in 50 ms pieces
            meter.accept(silence, 0, silence.length);
            for (double v : meter.filterState()) {
                boolean subnormal = v != 0 && Math.abs(v) < Double.MIN_NORMAL;
                assertThat(subnormal).as("filter state %s after %d ms of silence", v, 50 * (piece + 1)).isFalse();
            }
        }
    }

    @Test
    void theRelativeGateLeavesQuietPassagesOut() {
        int rate = 48_000;
        short[] loud = Signals.sine(997, rate, rate * 10, 0.1 * 32767);
        short[] quiet = Signals.sine(997, rate, rate * 10, 0.01 * 32767);
        // Without the gate the mean power would read -25.96 LUFS; the -43 LUFS half is 20 LU below, so it is gated.
        SignalQuality q = SignalQuality.of(Signals.concat(loud, quiet), rate);
        assertThat(q.loudnessLufs()).isCloseTo(-23.01, within(0.15));
    }

    @Test
    void theAbsoluteGateLeavesSilenceOutAndSilenceAloneHasNoLoudness() {
        int rate = 16_000;
        short[] tone = Signals.sine(997, rate, rate * 4, 0.1 * 32767);
        SignalQuality q = SignalQuality.of(Signals.concat(tone, new short[rate * 4]), rate);
        assertThat(q.loudnessLufs()).isCloseTo(-23.01, within(0.15));
        assertThat(q.silenceRatio()).isCloseTo(0.5, within(0.01));
        assertThat(q.snrDb()).isEqualTo(SignalQuality.MAX_SNR_DB);

        SignalQuality silent = SignalQuality.of(new short[rate * 2], rate);
        assertThat(silent.loudnessLufs()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(silent.silenceRatio()).isEqualTo(1.0);
        assertThat(silent.clippingRatio()).isZero();
    }

    @Test
    void clippingAndDcOffsetAreMeasured() {
        int rate = 16_000;
        short[] s = new short[rate]; // driven 6 dB past full scale and hard clipped: the peaks stick there
        for (int i = 0; i < s.length; i++) {
            double v = 2.0 * 32767 * Math.sin(2 * Math.PI * 440 * i / rate);
            s[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
        }
        SignalQuality q = SignalQuality.of(s, rate);
        // A sine driven 6 dB past full scale spends two thirds of its time clipped.
        assertThat(q.clippingRatio()).isCloseTo(2 / 3.0, within(0.03));

        short[] offset = new short[rate];
        java.util.Arrays.fill(offset, (short) 3277);
        assertThat(SignalQuality.of(offset, rate).dcOffset()).isCloseTo(0.1, within(0.001));
        assertThat(SignalQuality.of(Signals.sine(440, rate, rate, 10_000), rate).dcOffset()).isCloseTo(0, within(1e-3));
    }

    @Test
    void snrOfBurstsOverNoiseIsEstimated() {
        int rate = 16_000;
        Random random = new Random(7);
        short[] s = new short[rate * 6];
        double toneRms = 0.1 * 32767 / Math.sqrt(2);   // -23 dBFS RMS
        double noiseRms = toneRms / Math.pow(10, 30 / 20.0); // 30 dB below
        for (int i = 0; i < s.length; i++) {
            boolean on = (i / (rate / 2)) % 2 == 0;
            double tone = on ? 0.1 * 32767 * Math.sin(2 * Math.PI * 300 * i / rate) : 0;
            s[i] = (short) Math.round(tone + random.nextGaussian() * noiseRms);
        }
        assertThat(SignalQuality.of(s, rate).snrDb()).isCloseTo(30, within(2.0));
    }

    @Test
    void streamingInPiecesGivesTheSameResult() {
        int rate = 22_050;
        short[] s = Signals.speechLike(rate, 3.0, 11);
        SignalQuality whole = SignalQuality.of(s, rate);
        SignalQuality.Meter m = new SignalQuality.Meter(rate);
        for (int at = 0; at < s.length; at += 777) {
            m.accept(s, at, Math.min(777, s.length - at));
        }
        assertThat(m.result()).isEqualTo(whole);
    }
}
