package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperEngineProvider;
import dev.chorus.engine.piper.PiperFixture;
import dev.chorus.testing.Pcm;
import dev.chorus.testing.piper.TestVoiceGenerator;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Piper voices sherpa-onnx publishes: the same model with its settings as metadata and its phoneme ids in
 * {@code tokens.txt}, no {@code .onnx.json}. It must speak exactly as the Piper-layout voice does.
 */
@Timeout(30)
class SherpaVitsLayoutTest {

    /** Appends {@code metadata_props} entries (field 14) to a serialized ModelProto, as sherpa-onnx's script does. */
    private static byte[] withMetadata(byte[] model, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(model);
        metadata.forEach((k, v) -> {
            byte[] entry = concat(field(1, k.getBytes(StandardCharsets.UTF_8)), field(2,
                    v.getBytes(StandardCharsets.UTF_8)));
            out.writeBytes(field(14, entry));
        });
        return out.toByteArray();
    }

    private static byte[] field(int number, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, (number << 3) | 2);
        varint(out, value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static short[] speak(Voice v) {
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(v.synthesize("Hello world.", SynthesisOptions.defaults(), sink)).isTrue();
        return sink.samples();
    }

    @Test
    void speaksAsThePiperLayoutDoes(@TempDir Path piper, @TempDir Path sherpa) throws IOException {
        TestVoiceGenerator.Spec spec = TestVoiceGenerator.Spec.of("en_US-test-low");
        TestVoiceGenerator.write(spec, piper);
        Path dir = sherpa.resolve("vits-piper-en_US-test-low");
        Files.createDirectories(dir);
        Files.write(dir.resolve("en_US-test-low.onnx"), withMetadata(TestVoiceGenerator.model(spec), Map.of(
                "model_type", "vits", "comment", "piper", "sample_rate", "22050", "voice", "en-us",
                "n_speakers", "1", "language", "English")));
        StringBuilder tokens = new StringBuilder();
        TestVoiceGenerator.PHONEME_ID_MAP.forEach((p, id) -> tokens.append(p).append(' ').append(id).append('\n'));
        Files.writeString(dir.resolve("tokens.txt"), tokens);
        Files.writeString(sherpa.resolve("vits-other.onnx.tmp"), "");

        try (TtsEngine a = PiperFixture.open(piper, 1, Map.of());
             TtsEngine b = PiperFixture.open(sherpa, 1, Map.of())) {
            PiperFixture.assumeEspeak(a);
            assertThat(b.voices()).extracting(VoiceInfo::id).containsExactly("piper:en_US-test-low");
            assertThat(b.failures()).isEmpty();
            assertThat(speak(b.load("piper:en_US-test-low"))).isEqualTo(speak(a.load("piper:en_US-test-low")));
        }

        // A Coqui export (comment=coqui) is read by sherpa-onnx's rules for Coqui models; without the metadata
        // they read, it is named broken, in its model file, with the missing key.
        Files.write(dir.resolve("en_US-test-low.onnx"), withMetadata(TestVoiceGenerator.model(spec), Map.of(
                "model_type", "vits", "comment", "coqui")));
        try (TtsEngine b = PiperFixture.open(sherpa, 1, Map.of(PiperEngineProvider.SCAN_INTERVAL, "0"))) {
            assertThat(b.failures().get("piper:en_US-test-low")).contains("en_US-test-low.onnx")
                    .contains("metadata sample_rate: missing");
        }
    }
}
