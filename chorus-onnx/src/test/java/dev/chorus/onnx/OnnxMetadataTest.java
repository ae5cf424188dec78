package dev.chorus.onnx;

import dev.chorus.onnx.reload.VoiceDirs;
import dev.chorus.testing.onnx.OnnxWriter;
import dev.chorus.tts.spi.EngineContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Model metadata read without loading the model, and the shared voice directories setting. */
class OnnxMetadataTest {

    private static byte[] model(boolean withMetadata) {
        OnnxWriter w = new OnnxWriter()
                .input("x", OnnxWriter.FLOAT, 1L, "n")
                .output("y", OnnxWriter.FLOAT, 1L, "n")
                .constant("big", new float[50_000], 50_000)
                .node("Identity", new String[] {"x"}, "y");
        if (withMetadata) {
            w.metadata("model_type", "kokoro").metadata("speaker_names", "af_a,bm_b").metadata("empty", "");
        }
        return w.model("g", "test", 8, 17);
    }

    @Test
    void readsTheMetadataAfterSkippingTheGraph(@TempDir Path dir) throws IOException {
        Path f = Files.write(dir.resolve("whatever-name.onnx"), model(true));
        assertThat(OnnxMetadata.read(f)).containsExactly(Map.entry("model_type", "kokoro"),
                Map.entry("speaker_names", "af_a,bm_b"), Map.entry("empty", ""));
        assertThat(OnnxMetadata.modelType(f)).contains("kokoro");
        Path plain = Files.write(dir.resolve("plain.onnx"), model(false));
        assertThat(OnnxMetadata.read(plain)).isEmpty();
        assertThat(OnnxMetadata.modelType(plain)).isEmpty();
    }

    @Test
    void filesThatAreNotModelsSaySo(@TempDir Path dir) throws IOException {
        byte[] good = model(true);
        Path cut = Files.write(dir.resolve("cut.onnx"), Arrays.copyOf(good, good.length - 5));
        assertThatThrownBy(() -> OnnxMetadata.read(cut)).isInstanceOf(IOException.class)
                .hasMessageContaining("cut.onnx: not an ONNX model");
        Path text = Files.writeString(dir.resolve("text.onnx"), "{\"hello\": 1}\n");
        assertThatThrownBy(() -> OnnxMetadata.read(text)).isInstanceOf(IOException.class)
                .hasMessageContaining("not an ONNX model");
        assertThat(OnnxMetadata.modelType(text)).isEmpty();
    }

    @Test
    void familyDirectoriesComeBeforeTheSharedOnes(@TempDir Path a, @TempDir Path b) {
        EngineContext both = new EngineContext(1, Map.of("kokoro.voices", a.toString(),
                VoiceDirs.SETTING, b + File.pathSeparator + a));
        assertThat(VoiceDirs.of(both, "kokoro.voices")).containsExactly(a, b);
        assertThat(VoiceDirs.shared(both)).containsExactly(b, a);
        assertThatThrownBy(() -> VoiceDirs.of(new EngineContext(1, Map.of(VoiceDirs.SETTING, File.pathSeparator)),
                null)).hasMessageContaining("voices.dirs: ").hasMessageContaining("expected: one or more");
    }
}
