package dev.chorus.asr;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WordErrorRateTest {

    @Test
    void countsSubstitutionsDeletionsAndInsertions() {
        WordErrorRate w = WordErrorRate.of("the cat sat on the mat", "the bat sat on the mat today");
        assertThat(w.substitutions()).isEqualTo(1);
        assertThat(w.insertions()).isEqualTo(1);
        assertThat(w.deletions()).isZero();
        WordErrorRate d = WordErrorRate.of("the cat sat on the mat", "the cat sat on mat");
        assertThat(d.deletions()).isEqualTo(1);
        assertThat(d.errors()).isEqualTo(1);
        assertThat(WordErrorRate.of("the cat sat on the mat", "a bat sat on mat").rate()).isEqualTo(0.5);
    }

    @Test
    void identicalTextAfterNormalizationIsPerfect() {
        assertThat(WordErrorRate.of("Hello, World! Don't-stop.", "hello world don't stop").rate()).isZero();
    }

    @Test
    void nothingHeardIsAllDeletions() {
        WordErrorRate w = WordErrorRate.of("one two three", "");
        assertThat(w.deletions()).isEqualTo(3);
        assertThat(w.rate()).isEqualTo(1.0);
        assertThat(WordErrorRate.of("", "").rate()).isZero();
        assertThat(WordErrorRate.of("", "noise").rate()).isEqualTo(1.0);
    }

    @Test
    void corpusRateWeighsSentencesByLength() {
        WordErrorRate corpus = WordErrorRate.NONE.plus(WordErrorRate.of("a b c d e f g h i j", "a b c d e f g h i j"))
                .plus(WordErrorRate.of("x y", "z"));
        assertThat(corpus.errors()).isEqualTo(2);
        assertThat(corpus.rate()).isEqualTo(2 / 12.0);
    }

    @Test
    void chineseIsScoredByCharacter() {
        assertThat(ScoringText.tokens("你好，世界 ok")).containsExactly("你", "好", "世", "界", "ok");
        assertThat(WordErrorRate.of("你好世界", "你好世间").rate()).isEqualTo(0.25);
    }

    @Test
    void refusesImpossibleCounts() {
        assertThatThrownBy(() -> new WordErrorRate(3, 0, 0, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("substitutions + deletions <= referenceWords");
    }
}
