package dev.chorus.audio.internal.g711;

import dev.chorus.audio.AudioEncoder;
import dev.chorus.tts.AudioEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The G.711 codec against values from the classic reference implementation of the Recommendation (Sun's
 * {@code g711.c}, whose decoding tables ffmpeg also uses), and the G.711 WAV header.
 */
class G711Test {

    @ParameterizedTest(name = "{0} -> µ-law {1}")
    @CsvSource({
        "0, 0xFF", "-1, 0x7F", "1, 0xFF", "4, 0xFE", "-4, 0x7E", "100, 0xF2", "-100, 0x72",
        "1000, 0xCE", "-1000, 0x4E", "8031, 0xA0", "32124, 0x80", "32767, 0x80", "-32124, 0x00", "-32768, 0x00"})
    void encodesMuLaw(int sample, String code) {
        assertThat(G711.linearToMuLaw((short) sample) & 0xFF).isEqualTo(Integer.decode(code));
    }

    @ParameterizedTest(name = "{0} -> A-law {1}")
    @CsvSource({
        "0, 0xD5", "-1, 0x55", "8, 0xD5", "16, 0xD4", "-8, 0x55", "-17, 0x54", "100, 0xD3", "-100, 0x53",
        "1000, 0xFA", "-1000, 0x7A", "32256, 0xAA", "32767, 0xAA", "-32768, 0x2A"})
    void encodesALaw(int sample, String code) {
        assertThat(G711.linearToALaw((short) sample) & 0xFF).isEqualTo(Integer.decode(code));
    }

    @ParameterizedTest(name = "µ-law {0} -> {1}")
    @CsvSource({"0xFF, 0", "0x7F, 0", "0xFE, 8", "0x7E, -8", "0xF2, 104", "0xCE, 988", "0x9F, 8316",
        "0x80, 32124", "0x00, -32124"})
    void decodesMuLaw(String code, int sample) {
        assertThat(G711.muLawToLinear(Integer.decode(code).byteValue())).isEqualTo((short) sample);
    }

    @ParameterizedTest(name = "A-law {0} -> {1}")
    @CsvSource({"0xD5, 8", "0x55, -8", "0xD4, 24", "0xC3, 360", "0xFA, 1008", "0xAA, 32256", "0x2A, -32256"})
    void decodesALaw(String code, int sample) {
        assertThat(G711.aLawToLinear(Integer.decode(code).byteValue())).isEqualTo((short) sample);
    }

    @Test
    void everyCodeSurvivesDecodingAndEncodingAgain() {
        for (int c = 0; c < 256; c++) {
            byte code = (byte) c;
            if (c != 0x7F) {
                // 0x7F is µ-law's negative zero, which decodes to 0 like 0xFF.
                assertThat(G711.linearToMuLaw(G711.muLawToLinear(code))).as("µ-law %02X", c).isEqualTo(code);
            }
            assertThat(G711.linearToALaw(G711.aLawToLinear(code))).as("A-law %02X", c).isEqualTo(code);
        }
    }

    @Test
    void roundTripErrorStaysWithinHalfAStep() {
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            int mu = G711.muLawToLinear(G711.linearToMuLaw((short) x));
            int a = G711.aLawToLinear(G711.linearToALaw((short) x));
            int magnitude = Math.abs(x);
            // Half a step: µ-law steps are 1/16 of the biased magnitude's segment start, A-law's 1/16 of the
            // segment start but at least 16; beyond µ-law's largest code (32124) the error is the clipping.
            double muBound = magnitude > 32124 ? magnitude - 32124 : (magnitude + 132) / 32.0;
            double aBound = Math.max(8, magnitude / 32.0);
            assertThat((double) Math.abs(mu - x)).as("µ-law round trip of %d", x).isLessThanOrEqualTo(muBound);
            assertThat((double) Math.abs(a - x)).as("A-law round trip of %d", x).isLessThanOrEqualTo(aBound);
        }
    }

    @Test
    void encodingIsMonotonic() {
        int previousMu = Integer.MIN_VALUE;
        int previousA = Integer.MIN_VALUE;
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x += 7) {
            int mu = G711.muLawToLinear(G711.linearToMuLaw((short) x));
            int a = G711.aLawToLinear(G711.linearToALaw((short) x));
            assertThat(mu).isGreaterThanOrEqualTo(previousMu);
            assertThat(a).isGreaterThanOrEqualTo(previousA);
            previousMu = mu;
            previousA = a;
        }
    }

    @Test
    void streamsAWavHeaderWithFormatTagsSevenAndSix() throws Exception {
        for (AudioEncoding encoding : new AudioEncoding[] {AudioEncoding.WAV_MULAW, AudioEncoding.WAV_ALAW}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            short[] samples = {0, 1000, -1000, 32767};
            try (AudioEncoder encoder = AudioEncoder.create(encoding, 8000, out)) {
                encoder.write(samples, 0, samples.length);
            }
            byte[] bytes = out.toByteArray();
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            boolean mu = encoding == AudioEncoding.WAV_MULAW;

            assertThat(bytes).hasSize(58 + 4);
            assertThat(ascii(bytes, 0)).isEqualTo("RIFF");
            assertThat(b.getInt(4)).as("RIFF size").isEqualTo(-1);
            assertThat(ascii(bytes, 8)).isEqualTo("WAVE");
            assertThat(ascii(bytes, 12)).isEqualTo("fmt ");
            assertThat(b.getInt(16)).as("fmt size").isEqualTo(18);
            assertThat(b.getShort(20)).as("format tag").isEqualTo((short) (mu ? 7 : 6));
            assertThat(b.getShort(22)).as("channels").isEqualTo((short) 1);
            assertThat(b.getInt(24)).as("rate").isEqualTo(8000);
            assertThat(b.getInt(28)).as("byte rate").isEqualTo(8000);
            assertThat(b.getShort(32)).as("block align").isEqualTo((short) 1);
            assertThat(b.getShort(34)).as("bits").isEqualTo((short) 8);
            assertThat(b.getShort(36)).as("cbSize").isZero();
            assertThat(ascii(bytes, 38)).isEqualTo("fact");
            assertThat(b.getInt(46)).as("fact sample count").isEqualTo(-1);
            assertThat(ascii(bytes, 50)).isEqualTo("data");
            assertThat(b.getInt(54)).as("data size").isEqualTo(-1);
            byte[] expected = new byte[samples.length];
            for (int i = 0; i < samples.length; i++) {
                expected[i] = mu ? G711.linearToMuLaw(samples[i]) : G711.linearToALaw(samples[i]);
            }
            assertThat(Arrays.copyOfRange(bytes, 58, bytes.length)).isEqualTo(expected);
        }
    }

    @Test
    void anEmptyWavStreamGetsRealZeroLengths() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AudioEncoder encoder = AudioEncoder.create(AudioEncoding.WAV_ALAW, 8000, out)) {
            encoder.finish();
        }
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(out.size()).isEqualTo(58);
        assertThat(b.getInt(4)).isEqualTo(50);
        assertThat(b.getInt(46)).isZero();
        assertThat(b.getInt(54)).isZero();
    }

    @Test
    void rawStreamsAreOneCodePerSample() throws Exception {
        short[] samples = {0, -1, 1000, -32768};
        ByteArrayOutputStream mu = new ByteArrayOutputStream();
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        try (AudioEncoder m = AudioEncoder.create(AudioEncoding.MULAW, 8000, mu);
                AudioEncoder l = AudioEncoder.create(AudioEncoding.ALAW, 8000, a)) {
            m.write(samples, 1, 3);
            l.write(samples, 0, 4);
        }
        assertThat(mu.toByteArray()).containsExactly(0x7F, 0xCE, 0x00);
        assertThat(a.toByteArray()).containsExactly(0xD5, 0x55, 0xFA, 0x2A);
    }

    private static String ascii(byte[] bytes, int offset) {
        return new String(bytes, offset, 4, StandardCharsets.US_ASCII);
    }
}
