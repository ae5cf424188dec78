package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.internal.SherpaWords.Unit;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The units and phrases sherpa-onnx looks up in the lexicon of its Chinese and MeloTTS models. */
class SherpaWordsTest {

    @Test
    void unitsAreCharactersOrAsciiWords() {
        // Han characters and full-width marks alone; ASCII letters, digits, apostrophes and the accented letters
        // sherpa-onnx keeps in words make one unit; other ASCII marks alone; white space dropped; 'ā' (two bytes,
        // not one of those letters) alone.
        assertThat(SherpaWords.split("Hi, café's 3D世界！ mā"))
                .containsExactly(new Unit("Hi", 0), new Unit(",", 2), new Unit("café's", 4), new Unit("3D", 11),
                        new Unit("世", 13), new Unit("界", 14), new Unit("！", 15), new Unit("m", 17),
                        new Unit("ā", 18));
    }

    @Test
    void phrasesAreLongestLexiconMatchesOfAtMostTenUnits() {
        Set<String> lexicon = Set.of("中华", "中华人民共和国", "人民", "一二三四五六七八九十", "一二三四五六七八九十一", "ab中");
        assertThat(SherpaWords.phrases(SherpaWords.split("中华人民共和国人民"), lexicon)).extracting(Unit::text)
                .containsExactly("中华人民共和国", "人民");
        assertThat(SherpaWords.phrases(SherpaWords.split("中华人民"), lexicon)).extracting(Unit::offset)
                .containsExactly(0, 2);
        // At most ten units: the eleven-character word is never matched.
        assertThat(SherpaWords.phrases(SherpaWords.split("一二三四五六七八九十一"), lexicon)).extracting(Unit::text)
                .containsExactly("一二三四五六七八九十", "一");
        // No phrase starts at an ASCII word or mark.
        assertThat(SherpaWords.phrases(SherpaWords.split("ab中"), lexicon)).extracting(Unit::text)
                .containsExactly("ab", "中");
        assertThat(SherpaWords.phrases(List.of(), lexicon)).isEmpty();
    }
}
