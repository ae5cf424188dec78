package dev.chorus.asr;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in check sentence sets: twenty each for English and Mandarin, found by a language tag's primary part. */
class CheckSentencesTest {

    @Test
    void englishAndMandarinHaveTwentySentencesWithoutDigits() {
        for (String tag : new String[] {"en-US", "en_GB", "zh", "zh-CN", "cmn"}) {
            if (tag.equals("cmn")) {
                assertThat(CheckSentences.builtIn(tag)).as(tag).isEmpty();
                continue;
            }
            List<String> set = CheckSentences.builtIn(tag).orElseThrow();
            assertThat(set).as(tag).hasSize(20).allSatisfy(s -> assertThat(s).doesNotContainPattern("[0-9#]"));
        }
        assertThat(CheckSentences.builtIn("zh-TW").orElseThrow().getFirst()).isEqualTo("今天天气很好。");
        assertThat(CheckSentences.builtIn("de")).isEmpty();
    }
}
