package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperEngineProvider;
import dev.chorus.engine.piper.PiperVoice;
import dev.chorus.testing.Pcm;
import dev.chorus.testing.piper.SherpaVitsTestModel;
import dev.chorus.testing.piper.SherpaVitsTestModel.Layout;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.Phonemizer.PhonemeClause;
import dev.chorus.tts.spi.PhonemizerSource;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sherpa-onnx VITS models exported from Coqui TTS ({@code comment=coqui}: character models such as
 * {@code vits-coqui-de-css10}, phoneme models such as {@code vits-coqui-en-vctk}) and from icefall
 * ({@code comment=icefall}: {@code vits-icefall-en_US-ljspeech-*}), on generated models with each exporter's real
 * interface, where each id is a tone of a known length. The expected ids follow sherpa-onnx's rules, named at each
 * expectation ({@code offline-tts-character-frontend.cc}, {@code piper-phonemize-lexicon.cc}). The phoneme models
 * get their phonemes from a phonemizer that answers fixed clauses, so the ids are exact; {@link CoquiIcefallEspeakTest}
 * runs them with eSpeak NG.
 */
@Timeout(30)
class CoquiIcefallModelsTest {

    /** Samples per id at speed 1. */
    private static final int PER_ID = SherpaVitsTestModel.samples(1, 1);

    /** A Coqui character vocabulary as its exporter writes it: specials, punctuation, space, letters, upper case. */
    static final String COQUI_CHARACTERS = "<PAD> 0\n<EOS> 1\n<BOS> 2\n! 3\n, 4\n. 5\n  6\na 7\nb 8\ne 9\nh 10\n"
            + "l 11\no 12\nä 13\nÄ 13\n<BLNK> 14\n";
    /** A Coqui phoneme vocabulary (IPA symbols, the blank last). */
    static final String COQUI_PHONEMES = "_ 0\n! 1\n, 2\n. 3\n  4\nd 5\nh 6\nl 7\no 8\nw 9\nə 10\nɜ 11\nʊ 12\nˈ 13\n"
            + "ː 14\n<BLNK> 15\n";
    /** An icefall vocabulary (Piper's symbols: pad, start, end, space first; no '!'). */
    static final String ICEFALL = "_ 0\n^ 1\n$ 2\n  3\n, 4\n. 5\nd 6\nh 7\nl 8\no 9\nw 10\nə 11\nɜ 12\nʊ 13\nˈ 14\n"
            + "ː 15\n";

    /** What eSpeak NG (en-us) says for the test texts, as fixed clauses. */
    static final Map<String, List<PhonemeClause>> SAID = Map.of(
            "a", List.of(new PhonemeClause("ˈeɪ", "")),
            "Hello, world. Oh!", List.of(new PhonemeClause("həlˈoʊ", ","), new PhonemeClause("wˈɜːld", "."),
                    new PhonemeClause("ˈoʊ", "!")));

    static Map<String, String> coquiCharacters() {
        Map<String, String> m = new HashMap<>(Map.of("model_type", "vits", "comment", "coqui", "language", "German",
                "frontend", "characters", "add_blank", "1", "blank_id", "14", "n_speakers", "0",
                "use_eos_bos", "1", "bos_id", "2", "eos_id", "1"));
        m.put("pad_id", "0");
        m.put("sample_rate", "22050");
        return m;
    }

    static Map<String, String> coquiPhonemes(int speakers) {
        Map<String, String> m = new HashMap<>(Map.of("model_type", "vits", "comment", "coqui", "language", "English",
                "voice", "en-us", "has_espeak", "1", "add_blank", "1", "blank_id", "15",
                "n_speakers", Integer.toString(speakers), "use_eos_bos", "0", "bos_id", "0"));
        m.put("eos_id", "0");
        m.put("sample_rate", "22050");
        return m;
    }

    static Map<String, String> icefall(int speakers) {
        return new HashMap<>(Map.of("model_type", "vits", "version", "1", "model_author", "k2-fsa",
                "comment", "icefall", "language", "English", "voice", "en-us", "has_espeak", "1",
                "n_speakers", Integer.toString(speakers), "sample_rate", "22050"));
    }

    /** Writes {@code DIR/model.onnx} and {@code DIR/tokens.txt}, as the sherpa-onnx releases lay them out. */
    static Path voice(Path root, String dir, Layout layout, int numSymbols, boolean sid, Map<String, String> metadata,
                      String tokens) throws IOException {
        Path d = root.resolve(dir);
        Files.createDirectories(d);
        Files.write(d.resolve("model.onnx"), SherpaVitsTestModel.model(layout, numSymbols, sid, metadata));
        Files.writeString(d.resolve("tokens.txt"), tokens);
        return d;
    }

    static Phonemizer fixedPhonemizer() {
        return (text, language) -> {
            if (!language.equals("en-us")) {
                throw new InvalidInputException("language", "no eSpeak NG voice '" + language + "'");
            }
            List<PhonemeClause> clauses = SAID.get(text);
            if (clauses == null) {
                throw new AssertionError("no phonemes for '" + text + "'");
            }
            return clauses;
        };
    }

    static TtsEngine open(Path dir, Phonemizer phonemizer) {
        return new PiperEngineProvider().open(new EngineContext(1, Map.of(PiperEngineProvider.VOICES, dir.toString(),
                PiperEngineProvider.SCAN_INTERVAL, "0", PiperEngineProvider.SENTENCE_SILENCE, "0"),
                phonemizer == null ? PhonemizerSource.none() : PhonemizerSource.of(Map.of("espeak", phonemizer))));
    }

    @Test
    void coquiCharacterModelSpeaksBlanksBosAndEos(@TempDir Path root) throws IOException {
        voice(root, "vits-coqui-de-css10", Layout.COQUI, 15, false, coquiCharacters(), COQUI_CHARACTERS);
        try (TtsEngine engine = open(root, null)) {
            assertThat(engine.failures()).isEmpty();
            VoiceInfo info = engine.voices().stream().filter(v -> v.id().equals("piper:model")).findFirst()
                    .orElseThrow();
            assertThat(info.sampleRate()).isEqualTo(22_050);
            assertThat(info.language()).isEqualTo("de");
            Voice voice = engine.load("piper:model");
            String text = "Hello, ÄB! Oh. ";
            // offline-tts-character-frontend.cc, add_blank=1, use_eos_bos=1: a sentence opens with bos_id (2) and
            // blank_id (14), each character in tokens.txt follows with the blank, '!' and '.' end the sentence and
            // eos_id (1) closes it. ASCII letters are lower-cased; 'Ä' is kept and found as the exporter's
            // upper-case line (13). The space before "Oh" is kept as its token (6). The trailing space alone is no
            // sentence (sherpa-onnx would run [2, 14, 6, 14, 1]).
            assertThat(((PiperVoice) voice).phonemeIds(text)).containsExactly(
                    new long[] {2, 14, 10, 14, 9, 14, 11, 14, 11, 14, 12, 14, 4, 14, 6, 14, 13, 14, 8, 14, 3, 14, 1},
                    new long[] {2, 14, 6, 14, 12, 14, 10, 14, 5, 14, 1});
            Pcm.Collector sink = new Pcm.Collector();
            assertThat(voice.synthesize(text, SynthesisOptions.defaults(), sink)).isTrue();
            assertThat(sink.samples()).hasSize((23 + 11) * PER_ID);
            assertThat(sink.events()).containsExactly(new SynthesisEvent.Sentence(0, 0),
                    new SynthesisEvent.Sentence(11, 23L * PER_ID));
            // Speed 2 halves the length scale (scales[1] of Coqui's interface) and so every tone.
            Pcm.Collector fast = new Pcm.Collector();
            assertThat(voice.synthesize(text, SynthesisOptions.defaults().withSpeed(2), fast)).isTrue();
            assertThat(fast.samples()).hasSize((23 + 11) * SherpaVitsTestModel.samples(1, 0.5));
            assertThat(voice.supportsPhonemes()).isFalse();
        }
    }

    @Test
    void coquiCharacterRulesWithoutBlanks() throws Exception {
        Map<String, String> m = coquiCharacters();
        m.put("add_blank", "0");
        m.put("use_eos_bos", "0");
        SherpaFrontend f = CoquiIcefallFrontend.of(m, COQUI_CHARACTERS.getBytes(StandardCharsets.UTF_8), null, null,
                "test");
        // offline-tts-character-frontend.cc, add_blank=0, use_eos_bos=0: the characters' ids alone; ':' ends a
        // sentence though it is not a token.
        assertThat(f.sentences("Ab: ba")).extracting(SherpaFrontend.Sentence::ids)
                .containsExactly(new long[] {7, 8}, new long[] {6, 8, 7});
        // sherpa-onnx drops a last sentence of one id here (its "size > 1" test); Chorus speaks it.
        assertThat(f.sentences("Ab. A")).extracting(SherpaFrontend.Sentence::ids)
                .containsExactly(new long[] {7, 8, 5}, new long[] {6, 7});
        m.put("use_eos_bos", "1");
        f = CoquiIcefallFrontend.of(m, COQUI_CHARACTERS.getBytes(StandardCharsets.UTF_8), null, null, "test");
        // use_eos_bos=1: bos_id first; eos_id after each end mark, and after the last sentence too (sherpa-onnx
        // leaves it off there when add_blank=0, unlike with add_blank=1 and Coqui's own tokenizer).
        assertThat(f.sentences("Ab! Ba")).extracting(SherpaFrontend.Sentence::ids)
                .containsExactly(new long[] {2, 7, 8, 3, 1}, new long[] {2, 6, 8, 7, 1});
    }

    @Test
    void coquiPhonemeModelEndsEachSentenceWithTheCommaAndHasSpeakers(@TempDir Path root) throws IOException {
        voice(root, "vits-coqui-en-vctk", Layout.COQUI, 16, true, coquiPhonemes(3), COQUI_PHONEMES);
        try (TtsEngine engine = open(root, fixedPhonemizer())) {
            assertThat(engine.failures()).isEmpty();
            Voice voice = engine.load("piper:model");
            String text = "Hello, world. Oh!";
            // piper-phonemize-lexicon.cc CoquiPhonemesToIds, add_blank=1, use_eos_bos=0: blank_id (15) first and
            // after each phoneme; the sentence "həlˈoʊ, wˈɜːld." (Piper's joining of eSpeak's clauses) closes with
            // the comma's id (2). "ˈoʊ!": '!' is in tokens.txt (1), then the comma again.
            assertThat(((PiperVoice) voice).phonemeIds(text)).containsExactly(
                    new long[] {15, 6, 15, 10, 15, 7, 15, 13, 15, 8, 15, 12, 15, 2, 15, 4, 15, 9, 15, 13, 15, 11, 15,
                        14, 15, 7, 15, 5, 15, 3, 15, 2},
                    new long[] {15, 13, 15, 8, 15, 12, 15, 1, 15, 2});
            Pcm.Collector sink = new Pcm.Collector();
            assertThat(voice.synthesize(text, SynthesisOptions.defaults(), sink)).isTrue();
            assertThat(sink.samples()).hasSize((32 + 10) * PER_ID);
            // The second sentence starts at its first word, "Oh", the third word eSpeak spoke.
            assertThat(sink.events()).containsExactly(new SynthesisEvent.Sentence(0, 0),
                    new SynthesisEvent.Sentence(14, 32L * PER_ID));
            // Speaker n's tones have amplitude 0.25 × (n + 1): piper:model#2 is sid 2.
            assertThat(peak(speak(voice))).isBetween(0.24, 0.26);
            assertThat(peak(speak(engine.load("piper:model#2")))).isBetween(0.74, 0.76);
        }
    }

    @Test
    void coquiPhonemeRulesWithBosAndEos() throws Exception {
        Map<String, String> m = coquiPhonemes(1);
        m.put("add_blank", "0");
        m.put("use_eos_bos", "1");
        m.put("bos_id", "16");
        m.put("eos_id", "17");
        SherpaFrontend f = CoquiIcefallFrontend.of(m, COQUI_PHONEMES.getBytes(StandardCharsets.UTF_8),
                fixedPhonemizer(), null, "test");
        // CoquiPhonemesToIds, add_blank=0, use_eos_bos=1: bos_id, the phonemes, the comma, eos_id.
        assertThat(f.sentences("Hello, world. Oh!")).extracting(SherpaFrontend.Sentence::ids).containsExactly(
                new long[] {16, 6, 10, 7, 13, 8, 12, 2, 4, 9, 13, 11, 14, 7, 5, 3, 2, 17},
                new long[] {16, 13, 8, 12, 1, 2, 17});
    }

    @Test
    void icefallModelWrapsPhonemesInStartPadAndEnd(@TempDir Path root) throws IOException {
        voice(root, "vits-icefall-en_US-ljspeech-low", Layout.ICEFALL, 16, false, icefall(1), ICEFALL);
        voice(root, "vits-icefall-en-vctk", Layout.ICEFALL, 16, true, icefall(3), ICEFALL);
        Files.move(root.resolve("vits-icefall-en-vctk/model.onnx"), root.resolve("vits-icefall-en-vctk/vctk.onnx"));
        try (TtsEngine engine = open(root, fixedPhonemizer())) {
            assertThat(engine.failures()).isEmpty();
            assertThat(engine.voices()).extracting(VoiceInfo::id).contains("piper:model", "piper:vctk");
            Voice voice = engine.load("piper:model");
            String text = "Hello, world. Oh!";
            // piper-phonemize-lexicon.cc PiperPhonemesToIdsVits (icefall and sherpa-onnx's Piper): '^' (1), then
            // each phoneme followed by '_' (0), then '$' (2); no '_' right after '^'. '!' is not in tokens.txt, so
            // it is skipped.
            assertThat(((PiperVoice) voice).phonemeIds(text)).containsExactly(
                    new long[] {1, 7, 0, 11, 0, 8, 0, 14, 0, 9, 0, 13, 0, 4, 0, 3, 0, 10, 0, 14, 0, 12, 0, 15, 0, 8,
                        0, 6, 0, 5, 0, 2},
                    new long[] {1, 14, 0, 9, 0, 13, 0, 2});
            Pcm.Collector sink = new Pcm.Collector();
            assertThat(voice.synthesize(text, SynthesisOptions.defaults(), sink)).isTrue();
            assertThat(sink.samples()).hasSize((32 + 8) * PER_ID);
            assertThat(sink.events()).containsExactly(new SynthesisEvent.Sentence(0, 0),
                    new SynthesisEvent.Sentence(14, 32L * PER_ID));
            // The first tone is '^' (id 1, 120 Hz), the second 'h' (id 7, 240 Hz).
            assertTone(sink.samples(), 0, 120, 0.5);
            assertTone(sink.samples(), PER_ID, 240, 0.5);
            // Speed 2 sets alpha, icefall's length scale, to 0.5.
            Pcm.Collector fast = new Pcm.Collector();
            assertThat(voice.synthesize(text, SynthesisOptions.defaults().withSpeed(2), fast)).isTrue();
            assertThat(fast.samples()).hasSize((32 + 8) * SherpaVitsTestModel.samples(1, 0.5));
            // icefall's multi-speaker models take the speaker as 'speaker': piper:vctk#1 has amplitude 0.5.
            assertThat(peak(speak(engine.load("piper:vctk")))).isBetween(0.24, 0.26);
            assertThat(peak(speak(engine.load("piper:vctk#1")))).isBetween(0.49, 0.51);
        }
    }

    private static short[] speak(Voice v) {
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(v.synthesize("Hello, world. Oh!", SynthesisOptions.defaults(), sink)).isTrue();
        return sink.samples();
    }

    static double peak(short[] pcm) {
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
