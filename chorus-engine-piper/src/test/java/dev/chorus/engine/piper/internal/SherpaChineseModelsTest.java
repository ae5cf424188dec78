package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperFixture;
import dev.chorus.engine.piper.PiperVoice;
import dev.chorus.testing.Pcm;
import dev.chorus.testing.piper.SherpaVitsTestModel;
import dev.chorus.text.TextPipeline;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * sherpa-onnx's Chinese VITS models ({@code vits-zh-hf-*} and {@code sherpa-onnx-vits-zh-ll} with {@code jieba=1},
 * {@code vits-zh-aishell3} and {@code vits-icefall-zh-aishell3} without) and MeloTTS models
 * ({@code vits-melo-tts-zh_en}, {@code vits-melo-tts-en}), laid out as sherpa-onnx publishes them, on generated
 * models with the real interfaces where each id is a tone of a known length (and, for MeloTTS, a known pitch per
 * tone). The expected ids are those sherpa-onnx's front ends give.
 */
@Timeout(30)
class SherpaChineseModelsTest {

    /** Samples per id at speed 1. */
    private static final int PER_ID = SherpaVitsTestModel.samples(1, 1);

    private static final String ZH_TOKENS = "_ 0\n， 1\n。 2\n！ 3\nn 4\ni3 5\nh 6\nao3 7\nsh 8\ni4 9\nj 10\n"
            + "ie4 11\ner4 12\nl 13\ning2 14\ns 15\nan1 16\niu4 17\nian2 18\nw 19\no3 20\ny 21\nou3 22\ng 23\ne4 24\n";
    private static final String ZH_LEXICON = "你好 n i3 h ao3\n你 n i3\n好 h ao3\n世界 sh i4 j ie4\n世 sh i4\n"
            + "界 j ie4\n二 er4\n零 l ing2\n三 s an1\n六 l iu4\n年 n ian2\n我 w o3\n有 y ou3\n个 g e4\n";

    private static final String MELO_TOKENS = "_ 0\nn 1\ni 2\nh 3\nao 4\nhh 5\neh 6\nl 7\now 8\n, 9\n. 10\nw 11\n"
            + "er 12\nd 13\nk 14\ney 15\n";
    private static final String MELO_LEXICON = "你好 n i h ao 3 3 3 3\n你 n i 3 3\n好 h ao 3 3\n"
            + "hello hh eh l ow 7 8 7 9\nworld w er l d 7 9 7 7\no ow 8\nk k ey 8 9\n";

    private static Map<String, String> jieba() {
        return new HashMap<>(Map.of("model_type", "vits", "comment", "zh-hf", "language", "Chinese", "jieba", "1",
                "add_blank", "1", "n_speakers", "1", "sample_rate", "16000"));
    }

    private static Map<String, String> meloZhEn() {
        Map<String, String> m = new HashMap<>(Map.of("model_type", "melo-vits", "comment", "melo", "version", "2",
                "language", "Chinese + English", "add_blank", "1", "n_speakers", "1", "jieba", "1",
                "sample_rate", "44100", "speaker_id", "1"));
        m.put("tone_start", "0");
        return m;
    }

    private static Path voice(Path root, String name, byte[] model, String tokens, String lexicon) throws IOException {
        Path dir = root.resolve("vits-" + name);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".onnx"), model);
        Files.writeString(dir.resolve("tokens.txt"), tokens);
        Files.writeString(dir.resolve("lexicon.txt"), lexicon);
        return dir;
    }

    private static List<long[]> ids(Voice v, String text) {
        return ((PiperVoice) v).phonemeIds(text);
    }

    @Test
    void jiebaModelMatchesLexiconPhrasesAndPunctuation(@TempDir Path root) throws IOException {
        voice(root, "zh-hf", SherpaVitsTestModel.model(25, false, jieba()), ZH_TOKENS, ZH_LEXICON);
        try (TtsEngine engine = PiperFixture.open(root, 1, Map.of())) {
            assertThat(engine.failures()).isEmpty();
            VoiceInfo info = engine.voices().stream().filter(v -> v.id().equals("piper:zh-hf")).findFirst()
                    .orElseThrow();
            assertThat(info.language()).isEqualTo("zh");
            assertThat(info.sampleRate()).isEqualTo(16_000);
            Voice voice = engine.load("piper:zh-hf");

            // 你好 is one lexicon phrase (longest match), so are 世界; ， and ！ end sentences; blanks around each id.
            long[] first = {0, 4, 0, 5, 0, 6, 0, 7, 0, 1, 0};
            long[] second = {0, 8, 0, 9, 0, 10, 0, 11, 0, 3, 0};
            assertThat(ids(voice, "你好，世界！")).containsExactly(first, second);
            // ASCII marks stand for the full-width tokens; a mark after a mark is dropped; spaces are dropped.
            assertThat(ids(voice, "你好, 世界!")).containsExactly(first, second);
            assertThat(ids(voice, "你好，，世界！！")).containsExactly(first, second);
            // A digit the engine gets unread has no entry: skipped (sherpa-onnx reads it with its rule FSTs).
            assertThat(ids(voice, "我有3个。")).containsExactly(
                    new long[] {0, 19, 0, 20, 0, 21, 0, 22, 0, 23, 0, 24, 0, 2, 0});
            // A sentence of punctuation alone is not run.
            assertThat(ids(voice, "！你好")).containsExactly(new long[] {0, 4, 0, 5, 0, 6, 0, 7, 0});

            Pcm.Collector sink = new Pcm.Collector();
            assertThat(voice.synthesize("你好，世界！", SynthesisOptions.defaults(), sink)).isTrue();
            assertThat(sink.samples()).hasSize(22 * PER_ID);
            assertThat(sink.events()).containsExactly(new SynthesisEvent.Sentence(0, 0),
                    new SynthesisEvent.Sentence(3, 11L * PER_ID));
            Pcm.Collector fast = new Pcm.Collector();
            assertThat(voice.synthesize("你好，世界！", SynthesisOptions.defaults().withSpeed(2), fast)).isTrue();
            assertThat(fast.samples()).hasSize(22 * SherpaVitsTestModel.samples(1, 0.5));
            assertThat(fast.samples().length * 2).isEqualTo(sink.samples().length);
        }
    }

    @Test
    void numbersAndDatesAreReadByTheRuntimesChineseNormalization(@TempDir Path root) throws IOException {
        voice(root, "zh-hf", SherpaVitsTestModel.model(25, false, jieba()), ZH_TOKENS, ZH_LEXICON);
        try (TtsEngine engine = PiperFixture.open(root, 1, Map.of())) {
            Voice voice = engine.load("piper:zh-hf");
            // The runtime normalizes text in the voice's language (zh) before the engine: 3 -> 三, 2026年 -> 二零二六年
            // (and the full-width comma to ',', which stands for the model's '，').
            String spoken = TextPipeline.builder().build().prepare("我有3个，2026年。",
                    Locale.forLanguageTag(voice.info().language())).normalized();
            assertThat(spoken).isEqualTo("我有三个,二零二六年。");
            assertThat(ids(voice, spoken)).containsExactly(
                    new long[] {0, 19, 0, 20, 0, 21, 0, 22, 0, 15, 0, 16, 0, 23, 0, 24, 0, 1, 0},
                    new long[] {0, 12, 0, 13, 0, 14, 0, 12, 0, 13, 0, 17, 0, 4, 0, 18, 0, 2, 0});
        }
    }

    @Test
    void characterModelWithSilEosAndSpeakers(@TempDir Path root) throws IOException {
        Map<String, String> meta = new HashMap<>(Map.of("model_type", "vits", "comment", "aishell3",
                "language", "Chinese", "add_blank", "0", "n_speakers", "3", "sample_rate", "8000"));
        meta.put("punctuation", "， 。 ！");
        String tokens = "_ 0\nsil 1\neos 2\n#0 3\nn 4\ni3 5\nh 6\nao3 7\nsh 8\ni4 9\nj 10\nie4 11\n， 12\n";
        voice(root, "aishell3", SherpaVitsTestModel.model(13, true, meta), tokens,
                "你好 n i3 h ao3\n你 n i3\n好 h ao3\n世 sh i4\n界 j ie4\n");
        try (TtsEngine engine = PiperFixture.open(root, 1, Map.of())) {
            assertThat(engine.failures()).isEmpty();
            Voice base = engine.load("piper:aishell3");
            // Each character alone (not the phrase 你好); sil first; ， kept as its token; 。 (no token) as #0 and
            // it ends the sentence with sil eos; 再见 is not in the lexicon; the empty last sentence is not run.
            assertThat(ids(base, "你好，世界。再见")).containsExactly(
                    new long[] {1, 4, 5, 6, 7, 12, 8, 9, 10, 11, 3, 1, 2});
            // The server's normalization folds ， to ',': it still counts as the listed ， (a pause, its token).
            assertThat(ids(base, "你好,世界。")).containsExactly(new long[] {1, 4, 5, 6, 7, 12, 8, 9, 10, 11, 3, 1, 2});
            // '!' ends a sentence; unlisted in the punctuation metadata (only ！ is), it counts as ！: #0 (no token).
            assertThat(ids(base, "你好!世界")).containsExactly(new long[] {1, 4, 5, 6, 7, 3, 1, 2},
                    new long[] {1, 8, 9, 10, 11, 1, 2});
            short[] s0 = speak(base, "你好，世界。");
            short[] s2 = speak(engine.load("piper:aishell3#2"), "你好，世界。");
            assertThat(s0).hasSize(13 * PER_ID);
            assertThat(s2).hasSize(13 * PER_ID);
            // Speaker n's tones have amplitude 0.25 × (n + 1).
            assertThat(peak(s0)).isBetween(0.24, 0.26);
            assertThat(peak(s2)).isBetween(0.74, 0.76);
            assertThatThrownBy(() -> engine.load("piper:aishell3#3")).isInstanceOf(VoiceNotFoundException.class);
        }
    }

    @Test
    void icefallChineseModelUsesTheChineseLexiconAndIcefallsInputs(@TempDir Path root) throws IOException {
        // vits-icefall-zh-aishell3: icefall's input names (tokens, tokens_lens, alpha, noise_scale_dur, speaker) and
        // output (audio), comment=icefall with language=Chinese: read as a Chinese character model, not through
        // eSpeak NG (it has no voice metadata), as sherpa-onnx reads it.
        Map<String, String> meta = new HashMap<>(Map.of("model_type", "vits", "comment", "icefall", "version", "1",
                "language", "Chinese", "n_speakers", "3", "sample_rate", "8000"));
        String tokens = "_ 0\nsil 1\neos 2\n#0 3\nn 4\ni3 5\nh 6\nao3 7\nsh 8\ni4 9\nj 10\nie4 11\n， 12\n";
        voice(root, "icefall-zh", SherpaVitsTestModel.model(SherpaVitsTestModel.Layout.ICEFALL, 13, true, meta),
                tokens, "你好 n i3 h ao3\n你 n i3\n好 h ao3\n世 sh i4\n界 j ie4\n");
        try (TtsEngine engine = PiperFixture.open(root, 1, Map.of())) {
            assertThat(engine.failures()).isEmpty();
            VoiceInfo info = engine.voices().stream().filter(v -> v.id().equals("piper:icefall-zh")).findFirst()
                    .orElseThrow();
            assertThat(info.language()).isEqualTo("zh");
            assertThat(info.sampleRate()).isEqualTo(8_000);
            Voice base = engine.load("piper:icefall-zh");
            // Each character alone; sil first; ， (a pause) and 。 (an end) are not in punctuation metadata, so they
            // give no id; 。 closes the sentence with sil eos.
            long[] expected = {1, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
            assertThat(ids(base, "你好，世界。")).containsExactly(expected);
            short[] s0 = speak(base, "你好，世界。");
            assertThat(s0).hasSize(11 * PER_ID);
            assertThat(peak(s0)).isBetween(0.24, 0.26);
            // The speaker goes to the 'speaker' input: speaker 2's tones have amplitude 0.75.
            short[] s2 = speak(engine.load("piper:icefall-zh#2"), "你好，世界。");
            assertThat(s2).hasSize(11 * PER_ID);
            assertThat(peak(s2)).isBetween(0.74, 0.76);
            // Speed 2 halves icefall's length scale ('alpha') and so every tone.
            Pcm.Collector fast = new Pcm.Collector();
            assertThat(base.synthesize("你好，世界。", SynthesisOptions.defaults().withSpeed(2), fast)).isTrue();
            assertThat(fast.samples()).hasSize(11 * SherpaVitsTestModel.samples(1, 0.5));
        }
    }

    @Test
    void meloZhEnSpeaksPhonesWithTonesAndItsSpeaker(@TempDir Path root) throws IOException {
        voice(root, "melo-tts-zh_en", SherpaVitsTestModel.meloModel(16, meloZhEn()), MELO_TOKENS, MELO_LEXICON);
        try (TtsEngine engine = PiperFixture.open(root, 1, Map.of())) {
            assertThat(engine.failures()).isEmpty();
            VoiceInfo info = engine.voices().stream().filter(v -> v.id().equals("piper:melo-tts-zh_en")).findFirst()
                    .orElseThrow();
            assertThat(info.language()).isEqualTo("zh");
            Voice voice = engine.load("piper:melo-tts-zh_en");
            PiperVoiceHandle handle = (PiperVoiceHandle) voice;
            String text = "你好, Hello world. OK!";
            // Lower-cased; 你好 a phrase; ',' and '.' tokens end sentences; OK spelled from the letters o and k;
            // '!' has no token and no entry: skipped. Blanks (id 0, tone 0) around every id.
            List<SherpaFrontend.Sentence> sentences = handle.model().model().frontend.sentences(text);
            assertThat(sentences).extracting(SherpaFrontend.Sentence::ids).containsExactly(
                    new long[] {0, 1, 0, 2, 0, 3, 0, 4, 0, 9, 0},
                    new long[] {0, 5, 0, 6, 0, 7, 0, 8, 0, 11, 0, 12, 0, 7, 0, 13, 0, 10, 0},
                    new long[] {0, 8, 0, 14, 0, 15, 0});
            assertThat(sentences).extracting(SherpaFrontend.Sentence::tones).containsExactly(
                    new long[] {0, 3, 0, 3, 0, 3, 0, 3, 0, 0, 0},
                    new long[] {0, 7, 0, 8, 0, 7, 0, 9, 0, 7, 0, 9, 0, 7, 0, 7, 0, 0, 0},
                    new long[] {0, 8, 0, 8, 0, 9, 0});
            assertThat(sentences).extracting(SherpaFrontend.Sentence::textOffset).containsExactly(0, 4, 17);

            Pcm.Collector sink = new Pcm.Collector();
            assertThat(voice.synthesize(text, SynthesisOptions.defaults(), sink)).isTrue();
            short[] pcm = sink.samples();
            assertThat(pcm).hasSize((11 + 19 + 7) * PER_ID);
            // Single speaker: the model runs with speaker_id 1 of its metadata, amplitude 0.25 × 2.
            assertThat(peak(pcm)).isBetween(0.49, 0.51);
            // Blank (id 0, tone 0) at 100 Hz, then 'n' (id 1) with tone 3: 100 + 20 + 3 × 5 Hz.
            assertTone(pcm, 0, 100, 0.5);
            assertTone(pcm, PER_ID, 135, 0.5);
            Pcm.Collector fast = new Pcm.Collector();
            assertThat(voice.synthesize(text, SynthesisOptions.defaults().withSpeed(2), fast)).isTrue();
            assertThat(fast.samples()).hasSize(37 * SherpaVitsTestModel.samples(1, 0.5));
        }
    }

    @Test
    void meloEnglishWithSpeakers(@TempDir Path root) throws IOException {
        Map<String, String> meta = meloZhEn();
        meta.putAll(Map.of("language", "English", "jieba", "0", "n_speakers", "5", "speaker_id", "0"));
        voice(root, "melo-tts-en", SherpaVitsTestModel.meloModel(16, meta), MELO_TOKENS, MELO_LEXICON);
        try (TtsEngine engine = PiperFixture.open(root, 1, Map.of())) {
            assertThat(engine.failures()).isEmpty();
            assertThat(engine.voices()).filteredOn(v -> v.id().equals("piper:melo-tts-en")).singleElement()
                    .satisfies(v -> assertThat(v.language()).isEqualTo("en"));
            Voice v3 = engine.load("piper:melo-tts-en#3");
            assertThat(ids(v3, "Hello world")).containsExactly(
                    new long[] {0, 5, 0, 6, 0, 7, 0, 8, 0, 11, 0, 12, 0, 7, 0, 13, 0});
            short[] pcm = speak(v3, "Hello world");
            assertThat(pcm).hasSize(17 * PER_ID);
            // Several speakers: the chosen one runs (speaker 3, amplitude 0.25 × 4).
            assertThat(peak(pcm)).isGreaterThan(0.97);
            assertThat(peak(speak(engine.load("piper:melo-tts-en"), "Hello world"))).isBetween(0.24, 0.26);
        }
    }

    @Test
    void brokenFilesAreNamed(@TempDir Path root) throws IOException {
        Path odd = voice(root, "odd", SherpaVitsTestModel.meloModel(16, meloZhEn()), MELO_TOKENS,
                MELO_LEXICON + "世界 sh i j ie 4 4 4\n");
        Path tone = voice(root, "tone", SherpaVitsTestModel.meloModel(16, meloZhEn()), MELO_TOKENS,
                "你 n i 3 51\n");
        Map<String, String> old = meloZhEn();
        old.put("version", "1");
        voice(root, "old", SherpaVitsTestModel.meloModel(16, old), MELO_TOKENS, MELO_LEXICON);
        Map<String, String> korean = meloZhEn();
        korean.putAll(Map.of("language", "Korean", "jieba", "0"));
        voice(root, "korean", SherpaVitsTestModel.meloModel(16, korean), MELO_TOKENS, MELO_LEXICON);
        Path unknown = voice(root, "unknown", SherpaVitsTestModel.model(25, false, jieba()), ZH_TOKENS,
                ZH_LEXICON + "中 zh ong1\n");
        Path noLexicon = voice(root, "nolex", SherpaVitsTestModel.model(25, false, jieba()), ZH_TOKENS, ZH_LEXICON);
        Files.delete(noLexicon.resolve("lexicon.txt"));
        // A MeloTTS lexicon given to a model with the plain VITS interface: its tones do not fit.
        voice(root, "notones", SherpaVitsTestModel.model(16, false, meloZhEn()), MELO_TOKENS, MELO_LEXICON);
        try (TtsEngine engine = PiperFixture.open(root, 1, Map.of())) {
            Map<String, String> f = engine.failures();
            assertThat(f.get("piper:odd")).contains(odd.resolve("lexicon.txt").toString()).contains("line 8")
                    .contains("as many tones");
            assertThat(f.get("piper:tone")).contains(tone.resolve("lexicon.txt").toString()).contains("line 1")
                    .contains("tone '51'");
            assertThat(f.get("piper:old")).contains("old.onnx").contains("metadata version: 1");
            assertThat(f.get("piper:korean")).contains("korean.onnx").contains("of kind 'melo'")
                    .contains("not supported");
            assertThat(f.get("piper:unknown")).contains(unknown.resolve("lexicon.txt").toString())
                    .contains("line 15").contains("token 'zh' is not in tokens.txt");
            assertThat(f.get("piper:nolex")).contains(noLexicon.resolve("lexicon.txt").toString())
                    .contains("missing");
            assertThat(f.get("piper:notones")).contains("notones.onnx").contains("MeloTTS");
            assertThat(engine.voices()).extracting(VoiceInfo::id).doesNotContain("piper:odd", "piper:tone",
                    "piper:old", "piper:korean", "piper:unknown", "piper:nolex", "piper:notones");
        }
    }

    private static short[] speak(Voice v, String text) {
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(v.synthesize(text, SynthesisOptions.defaults(), sink)).isTrue();
        return sink.samples();
    }

    private static double peak(short[] pcm) {
        int max = 0;
        for (short s : pcm) {
            max = Math.max(max, Math.abs(s));
        }
        return max / 32767.0;
    }

    private static void assertTone(short[] pcm, int from, double hz, double amplitude) {
        float omega = (float) (2 * Math.PI / 22_050);
        for (int i = 0; i < PER_ID; i++) {
            double expected = amplitude * Math.sin((float) hz * ((float) i * omega)) * 32767;
            assertThat((double) pcm[from + i]).as("sample %d of the tone at %d", i, from)
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(4.0));
        }
    }
}
