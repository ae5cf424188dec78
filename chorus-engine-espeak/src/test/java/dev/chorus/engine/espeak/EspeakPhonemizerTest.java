package dev.chorus.engine.espeak;

import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.Phonemizer.PhonemeClause;
import dev.chorus.tts.spi.TtsEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EspeakPhonemizerTest {

    private TtsEngine engine;
    private Phonemizer phonemizer;

    @BeforeAll
    void open() {
        EspeakFixture.assumeAvailable();
        engine = EspeakFixture.open(2, Map.of());
        phonemizer = engine.phonemizer().orElseThrow();
    }

    @AfterAll
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void splitsClausesAndKeepsTheirPunctuation() {
        List<PhonemeClause> clauses = phonemizer.phonemize("Hello, world. How are you?", "en-us");

        assertThat(clauses).extracting(PhonemeClause::punctuation).containsExactly(",", ".", "?");
        assertThat(clauses.get(0).phonemes()).contains("həlˈoʊ");
        assertThat(clauses.get(1).phonemes()).contains("wˈɜːld");
        assertThat(clauses.get(2).phonemes()).isEqualTo("hˈaʊ ɑːɹ juː");
    }

    @Test
    void keepsRunsOfPunctuationLooksPastQuotesAndReportsNoneAtTheEnd() {
        List<PhonemeClause> clauses = phonemizer.phonemize("Wait... what?! Yes; no: he said \"fine.\" Done",
                "en-us");

        assertThat(clauses).extracting(PhonemeClause::punctuation)
                .containsExactly("...", "?!", ";", ":", ".", "");
        assertThat(clauses.getLast().phonemes()).isEqualTo("dˈʌn");
    }

    @Test
    void handlesMultiByteTextAndFullWidthPunctuation() {
        assertThat(phonemizer.phonemize("Hallo, Ärger über Öl. Ja!", "de"))
                .extracting(PhonemeClause::punctuation).containsExactly(",", ".", "!");
        List<PhonemeClause> chinese = phonemizer.phonemize("你好，世界。今天好吗？", "cmn-latn-pinyin");
        assertThat(chinese).extracting(PhonemeClause::punctuation).containsExactly("，", "。", "？");
        assertThat(chinese.getFirst().phonemes()).startsWith("nˈi");
    }

    @Test
    void acceptsVoiceNamesIdsTagsAndLanguageCodes() {
        String expected = phonemizer.phonemize("Hello.", "en-us").getFirst().phonemes();
        for (String language : List.of("en-US", "espeak:en-us", "EN_us")) {
            assertThat(phonemizer.phonemize("Hello.", language).getFirst().phonemes()).as(language)
                    .isEqualTo(expected);
        }
        // Pinyin is read as pinyin only by the cmn-latn-pinyin voice, which its BCP-47 tag also selects.
        assertThat(phonemizer.phonemize("ni3 hao3", "cmn-Latn-pinyin").getFirst().phonemes()).startsWith("nˈi");
        assertThat(phonemizer.phonemize("Guten Tag.", "de-AT").getFirst().phonemes()).isNotBlank();
    }

    @Test
    void rejectsUnknownLanguagesAndEmptyText() {
        assertThatThrownBy(() -> phonemizer.phonemize("Hello.", "xx-nowhere"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("language: 'xx-nowhere'");
        assertThatThrownBy(() -> phonemizer.phonemize("  ", "en-us"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
    }

    @Test
    void isThreadSafeAndGivesTheSameResultsConcurrently() throws Exception {
        List<String> texts = List.of("Hello, world. How are you?", "The rain in Spain stays mainly in the plain.",
                "Numbers like 1234 and dates like 2024-05-01 are expanded.", "Is this a question? Yes!");
        List<List<PhonemeClause>> expected = new ArrayList<>();
        for (String t : texts) {
            expected.add(phonemizer.phonemize(t, "en-us"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<PhonemeClause>>> results = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (String t : texts) {
                    results.add(pool.submit(() -> phonemizer.phonemize(t, "en-us")));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(expected.get(i % texts.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
