package dev.chorus.audio;

import dev.chorus.tts.AudioEncoding;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Streaming output of {@link AudioEncoder}. */
class AudioEncoderTest {

    @Test
    void streamsWavAsAnUnknownLengthHeaderThenTheSamples() throws IOException {
        short[] samples = ResamplerTest.randomNoise(20_000, 9);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudioEncoder encoder = AudioEncoder.create(AudioEncoding.WAV, 22050, out);

        assertThat(out.size()).as("nothing before the first write").isZero();
        encoder.write(samples, 0, 7);
        assertThat(out.size()).as("header and samples go out at once").isEqualTo(44 + 14);
        encoder.write(samples, 7, samples.length - 7);
        encoder.finish();

        byte[] bytes = out.toByteArray();
        assertThat(Arrays.copyOf(bytes, 44)).isEqualTo(WavFiles.streamingHeader(22050));
        assertThat(Arrays.copyOfRange(bytes, 4, 8)).containsOnly((byte) 0xFF);
        assertThat(Arrays.copyOfRange(bytes, 40, 44)).containsOnly((byte) 0xFF);
        assertThat(Arrays.copyOfRange(bytes, 44, bytes.length))
                .isEqualTo(Arrays.copyOfRange(WavFiles.toWav(samples, 22050), 44, 44 + 2 * samples.length));
        assertThat(WavFiles.read(bytes)).isEqualTo(new Wav(22050, 1, samples));
        assertThat(encoder.encoding()).isEqualTo(AudioEncoding.WAV);
        assertThat(encoder.sampleRate()).isEqualTo(22050);
    }

    @Test
    void anEmptyWavStreamGetsARealZeroLengthHeader() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AudioEncoder encoder = AudioEncoder.create(AudioEncoding.WAV, 16000, out)) {
            encoder.finish();
        }
        assertThat(out.toByteArray()).isEqualTo(WavFiles.header(16000, 0));
    }

    @Test
    void writesPcmAsRawLittleEndianSamples() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AudioEncoder encoder = AudioEncoder.create(AudioEncoding.PCM, 16000, out)) {
            encoder.write(new short[] {9, 1, -2, 0x1234, 9}, 1, 3);
        }
        assertThat(out.toByteArray()).containsExactly(1, 0, -2, -1, 0x34, 0x12);
    }

    @Test
    void closeFinishesOnceAndNeverClosesTheStream() throws IOException {
        CountingStream out = new CountingStream();
        AudioEncoder encoder = AudioEncoder.create(AudioEncoding.WAV, 16000, out);
        encoder.write(new short[10], 0, 10);
        encoder.finish();
        encoder.finish();
        encoder.close();
        encoder.close();

        assertThat(out.bytes).isEqualTo(44 + 20);
        assertThat(out.closed).isFalse();
        assertThatThrownBy(() -> encoder.write(new short[1], 0, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("encoder already finished");
    }

    @Test
    void closeReportsAFailedFinishUnchecked() {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }
        };
        AudioEncoder encoder = AudioEncoder.create(AudioEncoding.WAV, 16000, failing);

        assertThatThrownBy(encoder::close)
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("could not finish the wav stream")
                .hasRootCauseMessage("disk full");
    }

    @Test
    void validatesArguments() {
        OutputStream out = OutputStream.nullOutputStream();
        assertThatThrownBy(() -> AudioEncoder.create(AudioEncoding.WAV, 3999, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sampleRate: 3999 (expected: 4000 to 192000)");
        AudioEncoder encoder = AudioEncoder.create(AudioEncoding.PCM, 8000, out);
        assertThatThrownBy(() -> encoder.write(new short[4], 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static final class CountingStream extends OutputStream {
        long bytes;
        boolean closed;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
