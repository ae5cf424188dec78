package dev.chorus.audio;

import dev.chorus.audio.internal.flac.FlacEncoder;
import dev.chorus.testing.Signals;
import dev.chorus.tts.AudioEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a listener has after the first chunk: the stream cut right after the first {@link AudioEncoder#flush}
 * decodes, and holds the first chunk's audio but for what the codec keeps back.
 */
class StreamingFlushTest {

    @ParameterizedTest(name = "{0} at {1} Hz")
    @CsvSource({"WAV, 24000", "PCM, 24000", "WAV_MULAW, 8000", "FLAC, 16000", "FLAC, 44100", "MP3, 24000",
            "MP3, 44100", "OPUS, 24000", "OPUS, 16000", "AAC, 24000"})
    void aStreamCutAfterTheFirstFlushDecodesTheFirstChunk(AudioEncoding encoding, int rate) throws Exception {
        Codecs.assumeAvailable(encoding, EncoderOptions.defaults());
        short[] input = Signals.speechLike(rate, 2.0, 7);
        int first = rate;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int cut;
        try (AudioEncoder encoder = AudioEncoder.create(encoding, rate, out)) {
            encoder.write(input, 0, first / 2);
            encoder.write(input, first / 2, first - first / 2);
            encoder.flush();
            cut = out.size();
            encoder.write(input, first, input.length - first);
            encoder.flush();
            encoder.finish();
        }
        byte[] prefix = Arrays.copyOf(out.toByteArray(), cut);

        short[] decoded = Codecs.decode(encoding, rate, prefix, rate);

        int lag = Signals.bestLag(input, decoded, rate / 4, rate / 4, 1200);
        int covered = decoded.length - lag;
        String what = encoding + " at " + rate + " Hz: " + cut + " bytes after the first flush decode to "
                + decoded.length + " samples, lag " + lag + ", covering " + covered + " of the " + first
                + " samples of the first chunk";
        System.out.println(what);
        assertThat(covered).as(what).isBetween(first - heldBack(encoding, rate), first);
        assertThat(Signals.correlation(input, 0, decoded, lag, rate / 20, covered - rate / 10)).as(what)
                .isGreaterThan(0.7);
    }

    /** What each encoder may keep back at a flush, in samples at {@code rate}. */
    private static int heldBack(AudioEncoding encoding, int rate) {
        return switch (encoding) {
            case WAV, PCM, MULAW, ALAW, WAV_MULAW, WAV_ALAW -> 0;
            case FLAC -> FlacEncoder.blockSize(rate) - 1;
            // The partial 20 ms frame, the resampler's look-ahead, and the pre-skip that decoders drop.
            case OPUS -> rate * 33 / 1000;
            // LAME's look-ahead and up to two frames, beyond the encoder delay that the lag accounts for.
            case MP3 -> rate > 24000 ? 1904 + 2 * 1152 : 1328 + 2 * 576;
            // The flush waits for all but two frames (ffmpeg's look-ahead), plus a partly read frame; the priming
            // frame counts among the frames produced, so it too may be missing from what a flush passes on.
            case AAC -> 4 * 1024;
        };
    }

    @Test
    void mp3FramesLeaveWhileTheFirstChunkIsStillBeingWritten() throws Exception {
        short[] input = Signals.speechLike(24000, 1.0, 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AudioEncoder encoder = AudioEncoder.create(AudioEncoding.MP3, 24000, out)) {
            encoder.write(input, 0, 4800);
            int after200ms = out.size();
            encoder.write(input, 4800, input.length - 4800);
            int after1s = out.size();

            // 48 kbit/s is 6000 bytes per second: all but LAME's ~2500 samples of look-ahead are out.
            assertThat(after200ms).as("bytes after 200 ms of input").isGreaterThan(300);
            assertThat(after1s).as("bytes after 1 s of input").isGreaterThan(5000);
        }
    }

    @Test
    void flushBeforeAnyWriteOrAfterFinishWritesNothing() throws Exception {
        for (AudioEncoding encoding : AudioEncoding.values()) {
            if (!AudioEncoders.available(encoding)) {
                continue;
            }
            int rate = encoding.outputRate(0, 24000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AudioEncoder encoder = AudioEncoder.create(encoding, rate, out);
            encoder.flush();
            assertThat(out.size()).as("%s before any write", encoding).isZero();
            encoder.finish();
            int size = out.size();
            encoder.flush();
            encoder.close();
            assertThat(out.size()).as("%s after finish", encoding).isEqualTo(size);
        }
    }
}
