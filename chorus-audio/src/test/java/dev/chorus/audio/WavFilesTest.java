package dev.chorus.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writing and reading WAV files with {@link WavFiles}. */
class WavFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesTheCanonicalHeaderWithRealLengths() {
        byte[] wav = WavFiles.toWav(new short[] {1, -2, 32767}, 16000);
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(wav).hasSize(44 + 6);
        assertThat(ascii(wav, 0)).isEqualTo("RIFF");
        assertThat(b.getInt(4)).isEqualTo(36 + 6);
        assertThat(ascii(wav, 8)).isEqualTo("WAVE");
        assertThat(ascii(wav, 12)).isEqualTo("fmt ");
        assertThat(b.getInt(16)).isEqualTo(16);
        assertThat(b.getShort(20)).isEqualTo((short) 1);
        assertThat(b.getShort(22)).isEqualTo((short) 1);
        assertThat(b.getInt(24)).isEqualTo(16000);
        assertThat(b.getInt(28)).isEqualTo(32000);
        assertThat(b.getShort(32)).isEqualTo((short) 2);
        assertThat(b.getShort(34)).isEqualTo((short) 16);
        assertThat(ascii(wav, 36)).isEqualTo("data");
        assertThat(b.getInt(40)).isEqualTo(6);
        assertThat(Arrays.copyOfRange(wav, 44, 50)).containsExactly(1, 0, -2, -1, -1, 127);
    }

    @Test
    void roundTripsThroughBytesAndFiles() throws IOException {
        short[] samples = ResamplerTest.randomNoise(10_001, 3);
        samples[0] = Short.MIN_VALUE;
        samples[1] = Short.MAX_VALUE;
        Path file = dir.resolve("noise.wav");
        WavFiles.write(file, samples, 24000);

        Wav expected = new Wav(24000, 1, samples);
        assertThat(Files.readAllBytes(file)).isEqualTo(WavFiles.toWav(samples, 24000));
        assertThat(WavFiles.read(file)).isEqualTo(expected);
        assertThat(WavFiles.read(WavFiles.toWav(samples, 24000))).isEqualTo(expected);
        assertThat(WavFiles.read(new ByteArrayInputStream(WavFiles.toWav(samples, 24000)))).isEqualTo(expected);
        assertThat(expected.seconds()).isEqualTo(10_001 / 24000.0);
    }

    @Test
    void readsAStreamedHeaderToTheEnd() throws IOException {
        short[] samples = {5, 6, 7, 8};
        byte[] wav = WavFiles.toWav(samples, 8000);
        System.arraycopy(WavFiles.streamingHeader(8000), 0, wav, 0, 44);

        assertThat(WavFiles.read(wav).samples()).containsExactly(samples);
    }

    @Test
    void skipsUnknownChunksIncludingTheirPadByte() throws IOException {
        byte[] plain = WavFiles.toWav(new short[] {100, -100}, 16000);
        // A 3-byte LIST chunk (odd, so one pad byte follows) between fmt and data.
        byte[] list = {'L', 'I', 'S', 'T', 3, 0, 0, 0, 'a', 'b', 'c', 0};
        byte[] wav = new byte[plain.length + list.length];
        System.arraycopy(plain, 0, wav, 0, 36);
        System.arraycopy(list, 0, wav, 36, list.length);
        System.arraycopy(plain, 36, wav, 36 + list.length, plain.length - 36);

        assertThat(WavFiles.read(wav)).isEqualTo(new Wav(16000, 1, new short[] {100, -100}));
    }

    @Test
    void readsStereoAsInterleavedFrames() throws IOException {
        byte[] wav = WavFiles.toWav(new short[] {1, 2, 3, 4, 5}, 16000);
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(22, (short) 2).putInt(28, 64000).putShort(32, (short) 4);

        Wav stereo = WavFiles.read(wav);
        assertThat(stereo.channels()).isEqualTo(2);
        assertThat(stereo.frames()).isEqualTo(2);
        assertThat(stereo.samples()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void rejectsWhatItCannotDecodeWithAClearMessage() {
        assertThatThrownBy(() -> WavFiles.read("hello world, not a wav".getBytes()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a RIFF/WAVE file");

        byte[] floatWav = WavFiles.toWav(new short[4], 16000);
        ByteBuffer.wrap(floatWav).order(ByteOrder.LITTLE_ENDIAN).putShort(20, (short) 3);
        assertThatThrownBy(() -> WavFiles.read(floatWav))
                .hasMessage("unsupported WAV format: 3 (expected: 1, integer PCM)");

        byte[] eightBit = WavFiles.toWav(new short[4], 16000);
        ByteBuffer.wrap(eightBit).order(ByteOrder.LITTLE_ENDIAN).putShort(34, (short) 8);
        assertThatThrownBy(() -> WavFiles.read(eightBit))
                .hasMessage("unsupported WAV sample size: 8 bits (expected: 16)");

        byte[] noData = Arrays.copyOf(WavFiles.toWav(new short[0], 16000), 36);
        assertThatThrownBy(() -> WavFiles.read(noData)).hasMessage("bad WAV: no data chunk");
    }

    @Test
    void namesTheFileWhenReadingFails() throws IOException {
        Path file = dir.resolve("broken.wav");
        Files.writeString(file, "nope");

        assertThatThrownBy(() -> WavFiles.read(file)).hasMessageStartingWith(file + ": not a RIFF/WAVE file");
    }

    @Test
    void validatesTheSampleRate() {
        assertThatThrownBy(() -> WavFiles.toWav(new short[1], 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sampleRate: 1000 (expected: 4000 to 192000)");
        assertThatThrownBy(() -> WavFiles.header(16000, -1))
                .hasMessageStartingWith("sampleCount: -1 (expected: 0 to ");
    }

    private static String ascii(byte[] bytes, int offset) {
        return new String(bytes, offset, 4, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
