package dev.chorus.engine.piper.internal;

import dev.chorus.testing.piper.SherpaVitsTestModel;
import dev.chorus.testing.piper.SherpaVitsTestModel.Layout;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.TtsEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.chorus.engine.piper.internal.CoquiIcefallModelsTest.COQUI_CHARACTERS;
import static dev.chorus.engine.piper.internal.CoquiIcefallModelsTest.COQUI_PHONEMES;
import static dev.chorus.engine.piper.internal.CoquiIcefallModelsTest.ICEFALL;
import static dev.chorus.engine.piper.internal.CoquiIcefallModelsTest.coquiCharacters;
import static dev.chorus.engine.piper.internal.CoquiIcefallModelsTest.coquiPhonemes;
import static dev.chorus.engine.piper.internal.CoquiIcefallModelsTest.fixedPhonemizer;
import static dev.chorus.engine.piper.internal.CoquiIcefallModelsTest.icefall;
import static dev.chorus.engine.piper.internal.CoquiIcefallModelsTest.open;
import static org.assertj.core.api.Assertions.assertThat;

/** Coqui and icefall models whose metadata or tokens.txt is wrong are listed as broken, naming the file and key. */
@Timeout(30)
class CoquiIcefallBrokenTest {

    /** Writes {@code NAME/NAME.onnx} and {@code NAME/tokens.txt}; returns the directory. */
    private static Path voice(Path root, String name, Layout layout, int numSymbols, boolean sid,
                              Map<String, String> metadata, String tokens) throws IOException {
        Path d = root.resolve(name);
        Files.createDirectories(d);
        Files.write(d.resolve(name + ".onnx"), SherpaVitsTestModel.model(layout, numSymbols, sid, metadata));
        Files.writeString(d.resolve("tokens.txt"), tokens);
        return d;
    }

    private static Map<String, String> with(Map<String, String> metadata, String key, String value) {
        if (value == null) {
            metadata.remove(key);
        } else {
            metadata.put(key, value);
        }
        return metadata;
    }

    @Test
    void brokenMetadataAndTokensAreNamed(@TempDir Path root) throws IOException {
        Path noComma = voice(root, "nocomma", Layout.COQUI, 16, false, coquiPhonemes(1),
                COQUI_PHONEMES.replace(", 2\n", ""));
        Path noStart = voice(root, "nostart", Layout.ICEFALL, 16, false, icefall(1), ICEFALL.replace("^ 1\n", ""));
        voice(root, "novoice", Layout.COQUI, 16, false, with(coquiPhonemes(1), "voice", null), COQUI_PHONEMES);
        voice(root, "badvoice", Layout.ICEFALL, 16, false, with(icefall(1), "voice", "xx-yy"), ICEFALL);
        voice(root, "badeosbos", Layout.COQUI, 15, false, with(coquiCharacters(), "use_eos_bos", "2"),
                COQUI_CHARACTERS);
        voice(root, "nospeakers", Layout.ICEFALL, 16, false, with(icefall(1), "n_speakers", null), ICEFALL);
        voice(root, "nolanguage", Layout.COQUI, 15, false, with(coquiCharacters(), "language", null),
                COQUI_CHARACTERS);
        Path longSymbol = voice(root, "longsymbol", Layout.COQUI, 15, false, coquiCharacters(),
                COQUI_CHARACTERS.replace("h 10\n", "hh 10\n"));
        Path twice = voice(root, "twice", Layout.ICEFALL, 16, false, icefall(1), ICEFALL + "h 15\n");
        voice(root, "nospeakerinput", Layout.ICEFALL, 16, false, icefall(3), ICEFALL);
        Path bigId = voice(root, "bigid", Layout.COQUI, 15, false, coquiCharacters(),
                COQUI_CHARACTERS.replace("<BLNK> 14", "<BLNK> 40"));
        try (TtsEngine engine = open(root, fixedPhonemizer())) {
            Map<String, String> f = engine.failures();
            assertThat(f.get("piper:nocomma")).contains(noComma.resolve("tokens.txt").toString())
                    .contains("no ','");
            assertThat(f.get("piper:nostart")).contains(noStart.resolve("tokens.txt").toString())
                    .contains("no '^'");
            assertThat(f.get("piper:novoice")).contains("novoice.onnx").contains("metadata voice: missing");
            assertThat(f.get("piper:badvoice")).contains("badvoice.onnx")
                    .contains("metadata voice: 'xx-yy' is not a voice eSpeak NG has here");
            assertThat(f.get("piper:badeosbos")).contains("badeosbos.onnx")
                    .contains("metadata use_eos_bos: '2' (expected: 0 or 1)");
            assertThat(f.get("piper:nospeakers")).contains("nospeakers.onnx")
                    .contains("metadata n_speakers: missing");
            assertThat(f.get("piper:nolanguage")).contains("nolanguage.onnx").contains("metadata language: missing");
            assertThat(f.get("piper:longsymbol")).contains(longSymbol.resolve("tokens.txt").toString())
                    .contains("line 11: symbol 'hh'");
            assertThat(f.get("piper:twice")).contains(twice.resolve("tokens.txt").toString())
                    .contains("line 17: symbol 'h' appears twice (first with id 7)");
            assertThat(f.get("piper:nospeakerinput")).contains("nospeakerinput.onnx")
                    .contains("metadata n_speakers: 3 but the model has no 'speaker' input");
            assertThat(f.get("piper:bigid")).contains(bigId.resolve("tokens.txt").toString())
                    .contains("the model rejects id 40");
            assertThat(engine.voices()).extracting(VoiceInfo::id).doesNotContain(f.keySet().toArray(String[]::new));
            assertThat(f).hasSize(11);
        }
    }

    @Test
    void phonemeModelsNeedThePhonemizerCharacterModelsDoNot(@TempDir Path root) throws IOException {
        voice(root, "phonemes", Layout.COQUI, 16, false, coquiPhonemes(1), COQUI_PHONEMES);
        voice(root, "characters", Layout.COQUI, 15, false, coquiCharacters(), COQUI_CHARACTERS);
        try (TtsEngine engine = open(root, null)) {
            assertThat(engine.failures().get("piper:phonemes")).contains("phonemes.onnx")
                    .contains("metadata voice: 'en-us' needs the espeak engine's phonemizer, which is unavailable");
            assertThat(engine.voices()).extracting(VoiceInfo::id).contains("piper:characters")
                    .doesNotContain("piper:phonemes");
        }
    }
}
