package dev.chorus.engine.kokoro.internal;

import dev.chorus.testing.kokoro.KokoroTestModel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokensTest {

    @Test
    void encodesCodePointsWithPadsSpacesAndWordStarts() {
        Tokens t = Tokens.parse(KokoroTestModel.tokens());
        long space = KokoroTestModel.VOCAB.get(" ");
        Tokens.Encoded e = t.encode("ðə  kwˈɪk!");
        assertThat(e.ids()).containsExactly(0, KokoroTestModel.VOCAB.get("ð"), KokoroTestModel.VOCAB.get("ə"), space,
                KokoroTestModel.VOCAB.get("k"), KokoroTestModel.VOCAB.get("w"), KokoroTestModel.VOCAB.get("ˈ"),
                KokoroTestModel.VOCAB.get("ɪ"), KokoroTestModel.VOCAB.get("k"), KokoroTestModel.VOCAB.get("!"), 0);
        assertThat(e.wordStarts()).containsExactly(1, 4);
        assertThat(e.inner()).isEqualTo(9);
    }

    @Test
    void badLinesAreNamed() {
        assertThatThrownBy(() -> Tokens.parse("a 1\nab 2\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> Tokens.parse("\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("no symbols");
    }
}
