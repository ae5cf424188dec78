package dev.chorus.audio;

import dev.chorus.testing.Signals;
import dev.chorus.tts.AudioEncoding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every encoding at several rates, decoded by ffmpeg from a pipe as a streaming client would: the decoded audio
 * lasts as long as the input (after the codec's leading delay, give or take a frame of padding) and matches its
 * waveform. The input is 1.5 s of a speech-like signal written in 100 ms pieces, flushed every 500 ms.
 */
class EncoderFormatsTest {

    private static final double SECONDS = 1.5;

    static Stream<Arguments> formatsAndRates() {
        List<Arguments> cases = new ArrayList<>();
        for (AudioEncoding e : AudioEncoding.values()) {
            List<Integer> rates = e.sampleRates().size() == 1 ? e.sampleRates()
                    : e == AudioEncoding.WAV || e == AudioEncoding.PCM ? List.of(16000, 22050)
                    : List.of(16000, 22050, 24000, 44100, 48000);
            for (int rate : rates) {
                cases.add(Arguments.of(e, rate));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} at {1} Hz")
    @MethodSource("formatsAndRates")
    void decodesToTheInputsDurationAndWaveform(AudioEncoding encoding, int rate) throws Exception {
        short[] input = Signals.speechLike(rate, SECONDS, rate);
        int chunk = rate / 10;
        byte[] bytes = Codecs.encode(encoding, rate, input, chunk, 5);

        short[] decoded = Codecs.decode(encoding, rate, bytes, rate);

        Expectation expected = Expectation.of(encoding, rate);
        int lag = Signals.bestLag(input, decoded, rate / 2, rate / 2, expected.maxLag);
        double correlation = Signals.correlation(input, 0, decoded, lag, rate / 20,
                Math.min(input.length, decoded.length - lag) - rate / 10);
        String what = encoding + " at " + rate + " Hz, " + bytes.length + " bytes: lag " + lag + ", correlation "
                + correlation + ", decoded " + decoded.length + " of " + input.length;
        System.out.println(what);

        assertThat(lag).as(what).isLessThanOrEqualTo(expected.maxLag);
        assertThat(decoded.length - lag - input.length).as(what)
                .isBetween(-expected.shortBy(input.length), expected.longBy(input.length));
        assertThat(correlation).as(what).isGreaterThanOrEqualTo(expected.minCorrelation);
    }

    /**
     * What each codec may do to the signal: delay its start by up to {@code maxLag} samples, end up to
     * {@code longBy} samples late or {@code shortBy} early, and keep a waveform correlation of
     * {@code minCorrelation}.
     */
    private record Expectation(int maxLag, int slack, double minCorrelation) {

        static Expectation of(AudioEncoding encoding, int rate) {
            return switch (encoding) {
                case WAV, PCM, FLAC -> new Expectation(0, 0, 0.99999);
                case MULAW, ALAW, WAV_MULAW, WAV_ALAW -> new Expectation(0, 0, 0.999);
                // LAME's 576-sample encoder delay plus the decoder's 529; padding up to two frames at the end.
                case MP3 -> new Expectation(1200, 2 * (rate > 24000 ? 1152 : 576), 0.95);
                // Pre-skip and end trimming restore the exact length; ffmpeg's resampling to the rate adds a few.
                case OPUS -> new Expectation(64, 64, 0.75);
                // One priming frame, and padding to whole frames.
                case AAC -> new Expectation(1100, 2048, 0.95);
            };
        }

        int longBy(int length) {
            return Math.max((int) (0.02 * length), slack);
        }

        int shortBy(int length) {
            return Math.max(slack == 0 ? 0 : (int) (0.02 * length), slack / 2);
        }
    }
}
