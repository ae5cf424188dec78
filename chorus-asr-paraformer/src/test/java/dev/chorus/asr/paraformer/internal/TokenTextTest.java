package dev.chorus.asr.paraformer.internal;

import dev.chorus.asr.RecognizedWord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TokenTextTest {

    private static TokenText.Token t(String s, long start) {
        return new TokenText.Token(s, start, start + 100, 0.5);
    }

    @Test
    void joinsHanRunsAndBpePiecesAndDropsSpecialSymbols() {
        List<RecognizedWord> words = TokenText.words(List.of(t("<s>", 0), t("我", 0), t("们", 100),
                t("speak@@", 200), t("ing", 300), t("chin@@", 400), t("ese", 500), t("<unk>", 600),
                t("很", 700), t("好", 800), t("ok", 900)));
        assertThat(words).extracting(RecognizedWord::word)
                .containsExactly("我们", "speaking", "chinese", "很好", "ok");
        assertThat(words.getFirst().startMillis()).isZero();
        assertThat(words.getFirst().endMillis()).isEqualTo(200);
        assertThat(words.get(1).startMillis()).isEqualTo(200);
        assertThat(words.get(1).endMillis()).isEqualTo(400);
    }

    @Test
    void aHanCharacterAfterAnOpenPieceEndsThePieceAndStartsAWord() {
        assertThat(TokenText.words(List.of(t("ab", 0), t("你", 100), t("好", 200), t("cd", 300))))
                .extracting(RecognizedWord::word).containsExactly("ab", "你好", "cd");
    }
}
