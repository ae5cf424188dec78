package dev.chorus.engine.hmm;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.spi.EngineContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Finding the MaryTTS jars, and the errors a misconfigured folder gives. */
class HmmLibraryTest {

    @TempDir
    Path temp;

    @Test
    void missingFolderNamesTheSettingAndThePath() {
        Path missing = temp.resolve("no-such-folder");
        EngineContext context = new EngineContext(1, Map.of("hmm.lib.dir", missing.toString()));
        assertThatThrownBy(() -> new HmmEngineProvider().open(context))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("hmm.lib.dir")
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("is not a readable folder");
    }

    @Test
    void folderWithoutJarsIsRejected() {
        EngineContext context = new EngineContext(1, Map.of("hmm.lib.dir", temp.toString()));
        assertThatThrownBy(() -> HmmLibrary.locate(context))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining(temp.toString())
                .hasMessageContaining("holds no jars");
    }

    @Test
    void folderWhoseIndexNamesAMissingJarIsRejected() throws IOException {
        Files.writeString(temp.resolve("index.txt"), "0".repeat(64) + "  gone.jar\n");
        assertThatThrownBy(() -> HmmLibrary.fromFolder(temp, "test"))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("lacks the readable jar gone.jar");
    }

    @Test
    void jarsWhichAreNotMaryTtsFailToStartWithAClearError() throws IOException {
        Files.write(temp.resolve("empty.jar"), new byte[0]);
        EngineContext context = new EngineContext(1, Map.of("hmm.lib.dir", temp.toString()));
        assertThatThrownBy(() -> new HmmEngineProvider().open(context))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("MaryTTS did not start from " + temp)
                .hasMessageContaining("setting hmm.lib.dir");
    }

    @Test
    void bundledJarsAreUsedInPlaceWhenTheyArePlainFiles() {
        HmmLibrary library = HmmLibrary.locate(EngineContext.of(1));
        assertThat(library.origin()).isEqualTo("bundled");
        assertThat(library.jars()).extracting(p -> p.getFileName().toString())
                .anyMatch(name -> name.startsWith("marytts-runtime-"))
                .anyMatch(name -> name.startsWith("voice-cmu-slt-hsmm-"))
                .anyMatch(name -> name.startsWith("chorus-engine-hmm-bridge-"));
    }

    @Test
    void indexLinesMustNameAPlainJar() {
        String hash = "a".repeat(64);
        assertThat(LibraryIndex.parse((hash + "  one.jar\n" + hash + " *two.jar\n").getBytes()).entries())
                .extracting(LibraryIndex.Entry::name).containsExactly("one.jar", "two.jar");
        assertThatThrownBy(() -> LibraryIndex.parse((hash + "  ../evil.jar\n").getBytes()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("../evil.jar");
        assertThatThrownBy(() -> LibraryIndex.parse("abc  one.jar\n".getBytes()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: <sha-256>");
    }
}
