package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperFixture;
import dev.chorus.engine.piper.PiperVoice;
import dev.chorus.testing.Pcm;
import dev.chorus.testing.piper.SherpaVitsTestModel;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sherpa-onnx VITS models that are not Piper exports, laid out as sherpa-onnx publishes them: lexicon models
 * ({@code vits-ljs}, {@code vits-vctk}) and character models ({@code vits-mms-*}), on generated models with the real
 * interface ({@code x}, {@code x_length}, {@code noise_scale}, {@code length_scale}, {@code noise_scale_w},
 * {@code sid}; output {@code y}) where each id is a tone of a known length.
 */
@Timeout(30)
class SherpaVitsModelsTest {

    /** Samples per id at speed 1. */
    private static final int PER_ID = SherpaVitsTestModel.samples(1, 1);

    private static final String TOKENS = "_ 0\n  1\na 2\nb 3\nc 4\nd 5\ne 6\n. 7\n, 8\nh 9\nl 10\no 11\nAH0 12\n";
    private static final String LEXICON = "hello h e l o\nworld AH0 l d\nHello h e l l o\na a\nb b\nc c\n";

    private static Map<String, String> ljs() {
        Map<String, String> m = new HashMap<>(Map.of("model_type", "vits", "comment", "ljs", "sample_rate", "22050",
                "add_blank", "1", "n_speakers", "1", "language", "English"));
        m.put("punctuation", "; : , . ! ?");
        return m;
    }

    private static Path lexiconVoice(Path root, String name, Map<String, String> metadata, int speakers)
            throws IOException {
        Path dir = root.resolve("vits-" + name);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".onnx"), SherpaVitsTestModel.model(13, speakers > 1, metadata));
        Files.writeString(dir.resolve("tokens.txt"), TOKENS);
        Files.writeString(dir.resolve("lexicon.txt"), LEXICON);
        return dir;
    }

    @Test
    void lexiconModelSpeaksWordsTokensAndBlanks(@TempDir Path root) throws IOException {
        lexiconVoice(root, "ljs", ljs(), 1);
        try (TtsEngine engine = PiperFixture.open(root, 1, Map.of())) {
            assertThat(engine.failures()).isEmpty();
            VoiceInfo info = engine.voices().stream().filter(v -> v.id().equals("piper:ljs")).findFirst()
                    .orElseThrow();
            assertThat(info.sampleRate()).isEqualTo(22_050);
            assertThat(info.language()).isEqualTo("en");

            String text = "Hello, world. Cab xyz.";
            Voice voice = engine.load("piper:ljs");
            // hello (first entry wins) + space, ',', world + space, '.'; then cab spelled c a b + space, xyz
            // skipped (no letters x, y, z in the lexicon), '.'; blanks (0) around every token.
            assertThat(((PiperVoice) voice).phonemeIds(text)).containsExactly(
                    new long[] {0, 9, 0, 6, 0, 10, 0, 11, 0, 1, 0, 8, 0, 12, 0, 10, 0, 5, 0, 1, 0, 7, 0},
                    new long[] {0, 4, 0, 2, 0, 3, 0, 1, 0, 7, 0});
            // No space token after a sentence's last word.
            assertThat(((PiperVoice) voice).phonemeIds("Hello a")).containsExactly(
                    new long[] {0, 9, 0, 6, 0, 10, 0, 11, 0, 1, 0, 2, 0});
            Pcm.Collector sink = new Pcm.Collector();
            assertThat(voice.synthesize(text, SynthesisOptions.defaults(), sink)).isTrue();
            assertThat(sink.samples()).hasSize((23 + 11) * PER_ID);
            assertThat(sink.events()).containsExactly(new SynthesisEvent.Sentence(0, 0),
                    new SynthesisEvent.Sentence(14, 23L * PER_ID));
            // The first tone is id 0 (a blank, 100 Hz), the second id 9 ('h', 280 Hz), each from phase 0.
            short[] pcm = sink.samples();
            assertTone(pcm, 0, 100);
            assertTone(pcm, PER_ID, 280);

            // Speed 2 halves length_scale and so every tone.
            Pcm.Collector fast = new Pcm.Collector();
            assertThat(voice.synthesize(text, SynthesisOptions.defaults().withSpeed(2), fast)).isTrue();
            assertThat(fast.samples()).hasSize((23 + 11) * SherpaVitsTestModel.samples(1, 0.5));
            assertThat(fast.samples().length * 2).isEqualTo(sink.samples().length);
            assertThat(voice.supportsPhonemes()).isFalse();
        }
    }

    @Test
    void charactersModelAndSpeakers(@TempDir Path root) throws IOException {
        Path dir = root.resolve("vits-mms-test");
        Files.createDirectories(dir);
        Files.write(dir.resolve("model.onnx"), SherpaVitsTestModel.model(5, true, Map.of("model_type", "vits",
                "comment", "mms", "sample_rate", "16000", "add_blank", "1", "n_speakers", "3", "language", "eng")));
        Files.writeString(dir.resolve("tokens.txt"), "_ 0\n  1\na 2\nb 3\né 4\n");
        try (TtsEngine engine = PiperFixture.open(root, 1, Map.of())) {
            assertThat(engine.failures()).isEmpty();
            assertThat(engine.voices()).filteredOn(v -> v.id().equals("piper:model")).singleElement()
                    .satisfies(v -> assertThat(v.sampleRate()).isEqualTo(16_000));
            Voice base = engine.load("piper:model");
            // Lower-cased characters, '!' (not a token) skipped, blanks interleaved.
            assertThat(((PiperVoice) base).phonemeIds("  AB É!")).containsExactly(
                    new long[] {0, 2, 0, 3, 0, 1, 0, 4, 0});
            short[] s0 = speak(base);
            short[] s2 = speak(engine.load("piper:model#2"));
            assertThat(s0).hasSize(9 * PER_ID);
            assertThat(s2).hasSize(9 * PER_ID);
            // Speaker n's tones have amplitude 0.25 × (n + 1).
            assertThat(peak(s0)).isBetween(0.24, 0.26);
            assertThat(peak(s2)).isBetween(0.74, 0.76);
            assertThatThrownBy(() -> engine.load("piper:model#3")).isInstanceOf(VoiceNotFoundException.class);
        }
    }

    @Test
    void brokenFilesAreNamed(@TempDir Path root) throws IOException {
        Path noLexicon = lexiconVoice(root, "nolex", ljs(), 1);
        Files.delete(noLexicon.resolve("lexicon.txt"));
        Path noTokens = lexiconVoice(root, "notokens", ljs(), 1);
        Files.delete(noTokens.resolve("tokens.txt"));
        Map<String, String> bad = ljs();
        bad.put("add_blank", "yes");
        lexiconVoice(root, "badmeta", bad, 1);
        Map<String, String> noRate = ljs();
        noRate.remove("sample_rate");
        lexiconVoice(root, "norate", noRate, 1);
        Path badLexicon = lexiconVoice(root, "badlex", ljs(), 1);
        Files.writeString(badLexicon.resolve("lexicon.txt"), "hello h e l o\nworld w o r l d\n");
        Map<String, String> speakers = ljs();
        speakers.put("n_speakers", "3");
        lexiconVoice(root, "nosid", speakers, 1);
        Path bigTokens = lexiconVoice(root, "bigtokens", ljs(), 1);
        Files.writeString(bigTokens.resolve("tokens.txt"), TOKENS + "z 20\n");
        try (TtsEngine engine = PiperFixture.open(root, 1, Map.of())) {
            Map<String, String> f = engine.failures();
            assertThat(f.get("piper:nosid")).contains("nosid.onnx")
                    .contains("metadata n_speakers: 3 but the model has no 'sid' input");
            assertThat(f.get("piper:bigtokens")).contains(bigTokens.resolve("tokens.txt").toString())
                    .contains("the model rejects id 20, the largest of tokens.txt");
            assertThat(f.get("piper:nolex")).contains(noLexicon.resolve("lexicon.txt").toString()).contains("missing");
            assertThat(f.get("piper:notokens")).contains(noTokens.resolve("tokens.txt").toString())
                    .contains("missing");
            assertThat(f.get("piper:badmeta")).contains("badmeta.onnx").contains("metadata add_blank: 'yes'");
            assertThat(f.get("piper:norate")).contains("norate.onnx").contains("metadata sample_rate: missing");
            assertThat(f.get("piper:badlex")).contains(badLexicon.resolve("lexicon.txt").toString())
                    .contains("line 2").contains("token 'w' is not in tokens.txt");
            assertThat(engine.voices()).extracting(VoiceInfo::id).doesNotContain("piper:nolex", "piper:notokens",
                    "piper:badmeta", "piper:norate", "piper:badlex", "piper:nosid", "piper:bigtokens");
        }
    }

    private static short[] speak(Voice v) {
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(v.synthesize("ab é", SynthesisOptions.defaults(), sink)).isTrue();
        return sink.samples();
    }

    private static double peak(short[] pcm) {
        int max = 0;
        for (short s : pcm) {
            max = Math.max(max, Math.abs(s));
        }
        return max / 32767.0;
    }

    private static void assertTone(short[] pcm, int from, double hz) {
        float omega = (float) (2 * Math.PI / 22_050);
        for (int i = 0; i < PER_ID; i++) {
            double expected = 0.5 * Math.sin((float) hz * ((float) i * omega)) * 32767;
            assertThat((double) pcm[from + i]).as("sample %d of the tone at %d", i, from)
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(4.0));
        }
    }
}
