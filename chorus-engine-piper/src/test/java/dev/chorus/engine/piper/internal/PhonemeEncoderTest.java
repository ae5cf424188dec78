package dev.chorus.engine.piper.internal;

import dev.chorus.testing.piper.TestVoiceGenerator;
import dev.chorus.tts.spi.Phonemizer.PhonemeClause;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Piper's rules for phonemes to ids, without eSpeak: clauses given directly. */
class PhonemeEncoderTest {

    private final PhonemeEncoder encoder = encoder(TestVoiceGenerator.config(TestVoiceGenerator.Spec.of("t")));

    static PhonemeEncoder encoder(byte[] json) {
        try {
            return new PhonemeEncoder(VoiceConfig.parse(json), "test");
        } catch (VoiceConfig.Invalid e) {
            throw new AssertionError(e);
        }
    }

    private static String text(int[] phonemes) {
        return new String(phonemes, 0, phonemes.length);
    }

    @Test
    void wrapsEachPhonemeInPadsBetweenStartAndEnd() {
        assertThat(encoder.encode("hə".codePoints().toArray()).ids())
                .containsExactly(1, 0, 20, 0, 59, 0, 2);
    }

    @Test
    void joinsClausesWithTheirPunctuationAsPiperDoes() {
        List<int[]> sentences = encoder.sentences(List.of(
                new PhonemeClause("həlˈoʊ", ","),
                new PhonemeClause("wˈɜːld", "!"),
                new PhonemeClause("haʊ ɑːɹ juː", "?"),
                new PhonemeClause("ˈoʊkeɪ", ";"),
                new PhonemeClause("ɡˈʊd", "...")));
        assertThat(sentences).extracting(PhonemeEncoderTest::text)
                .containsExactly("həlˈoʊ, wˈɜːld!", "haʊ ɑːɹ juː?", "ˈoʊkeɪ; ɡˈʊd.");
    }

    @Test
    void aClauseWithoutPunctuationIsFollowedByASpace() {
        assertThat(encoder.sentences(List.of(new PhonemeClause("wʌn", ""), new PhonemeClause("tuː", "."))))
                .extracting(PhonemeEncoderTest::text).containsExactly("wʌn tuː.");
    }

    @Test
    void dropsLanguageSwitchFlagsAndDecomposes() {
        List<int[]> sentences = encoder.sentences(List.of(new PhonemeClause("ɡˈʊd (fr)ɡaʁsɔ̃(en) fˈeɪs", ".")));
        assertThat(sentences).extracting(PhonemeEncoderTest::text).containsExactly("ɡˈʊd ɡaʁsɔ̃ fˈeɪs.");
        int[] cedilla = encoder.ipaPhonemes("ç");
        assertThat(cedilla).containsExactly('c', 0x0327);
        assertThat(encoder.encode(cedilla).ids()).containsExactly(1, 0, 16, 0, 140, 0, 2);
    }

    @Test
    void skipsPhonemesMissingFromTheMap() {
        assertThat(encoder.encode("hǝ€ə".codePoints().toArray()).ids()).containsExactly(1, 0, 20, 0, 59, 0, 2);
    }

    @Test
    void marksWhereEachWordStarts() {
        PhonemeEncoder.Encoded e = encoder.encode("ðə kwˈɪk, bɹˈaʊn.".codePoints().toArray());
        // ^ _ ð _ ə _ ' ' _ k _ w _ ˈ _ ɪ _ k _ , _ ' ' _ b
        assertThat(e.wordStarts()).containsExactly(2, 8, 22);
    }

    @Test
    void textVoicesSpeakLowerCaseDecomposedCharacters() {
        byte[] json = new String(TestVoiceGenerator.config(TestVoiceGenerator.Spec.of("t")),
                StandardCharsets.UTF_8).replace("\"phoneme_type\" : \"espeak\"", "\"phoneme_type\" : \"text\"")
                .getBytes(StandardCharsets.UTF_8);
        PhonemeEncoder text = encoder(json);
        assertThat(text(text.textPhonemes("Ça va"))).isEqualTo("c\u0327a va");
    }

    @Test
    void appliesPipersPortugueseMapWhenTheConfigHasNone() {
        byte[] json = new String(TestVoiceGenerator.config(TestVoiceGenerator.Spec.of("t")),
                StandardCharsets.UTF_8).replace("\"voice\" : \"en-us\"", "\"voice\" : \"pt-br\"")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(encoder(json).sentences(List.of(new PhonemeClause("kˈazɐ", "."))))
                .extracting(PhonemeEncoderTest::text).containsExactly("kˈazɐ.");
        assertThat(encoder(json).ipaPhonemes("c")).containsExactly('k');
    }
}
