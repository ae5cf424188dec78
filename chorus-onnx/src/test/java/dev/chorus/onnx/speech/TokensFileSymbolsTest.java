package dev.chorus.onnx.speech;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A recognizer's vocabulary of multi-character symbols. */
class TokensFileSymbolsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsSymbolsById() {
        assertThat(TokensFile.parseSymbols(utf8("<blank> 0\r\n<s>\t1\n\nhel@@ 7\n你 3\n")))
                .containsEntry(0L, "<blank>").containsEntry(1L, "<s>").containsEntry(7L, "hel@@")
                .containsEntry(3L, "你").hasSize(4);
    }

    @Test
    void namesTheLineThatDoesNotFit() {
        assertThatThrownBy(() -> TokensFile.parseSymbols(utf8("<blank> 0\nno id here\n")))
                .hasMessage("line 2: 'no id here' (expected: a symbol, a space and an id >= 0)");
        assertThatThrownBy(() -> TokensFile.parseSymbols(utf8("\n\n"))).hasMessageContaining("no symbols");
    }
}
