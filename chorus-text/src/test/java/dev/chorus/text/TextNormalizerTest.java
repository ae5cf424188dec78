package dev.chorus.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextNormalizerTest {

    @Test
    void foldsFullWidthLettersDigitsAndSpacesWithNfkc() {
        assertThat(TextNormalizer.normalize("Ｈｅｌｌｏ　Ｗｏｒｌｄ　１２３")).isEqualTo("Hello World 123");
        assertThat(TextNormalizer.normalize("ﬁne ½ ™")).isEqualTo("fine 1/2 TM");
    }

    @Test
    void turnsChineseFullWidthPunctuationIntoAsciiButKeepsIdeographicFullStop() {
        assertThat(TextNormalizer.normalize("你好，世界！你呢？好；走：吧。"))
                .isEqualTo("你好,世界!你呢?好;走:吧。");
    }

    @Test
    void keepsThaiAndLaoSaraAmThatPlainNfkcWouldSplit() {
        assertThat(TextNormalizer.normalize("คำ ຄຳ")).isEqualTo("คำ ຄຳ");
    }

    @Test
    void straightensCurlyQuotes() {
        assertThat(TextNormalizer.normalize("“Hi,” she said. ‘Yes’, I don’t know. „Gut“"))
                .isEqualTo("\"Hi,\" she said. 'Yes', I don't know. \"Gut\"");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            pages 3–5                      | pages 3-5
            pages 3 – 5                    | pages 3-5
            1990—2000                      | 1990-2000
            the Paris–London train         | the Paris-London train
            He was—I think—tired.          | He was, I think, tired.
            He was — I think — tired.      | He was, I think, tired.
            wait – what                    | wait, what
            stop ― now                     | stop, now
            a -- b                         | a, b
            use --verbose here             | use --verbose here
            a well-known fact              | a well-known fact
            a - b                          | a - b
            Hello,— world                  | Hello, world
            — Hello there                  | Hello there
            I was going to—                | I was going to
            (—aside) ok                    | (aside) ok
            “Stop—” he said                | '"Stop" he said'
            他说——我们走吧。                 | 他说,我们走吧。
            −5 degrees                     | -5 degrees
            """)
    void rewritesDashesByMeaning(String input, String expected) {
        assertThat(TextNormalizer.normalize(input)).isEqualTo(expected);
    }

    @Test
    void collapsesWhitespaceOfEveryKindAndTrims() {
        assertThat(TextNormalizer.normalize("  a\t\tb\n\nc\u00A0d\r\ne\u2003f\u3000g\u2028h  "))
                .isEqualTo("a b c d e f g h");
    }

    @Test
    void removesZeroWidthAndFormatCharacters() {
        assertThat(TextNormalizer.normalize("zero\u200Bwidth\uFEFF joi\u200Dner\u2060 soft\u00ADhyphen \u202Abidi\u202C"))
                .isEqualTo("zerowidth joiner softhyphen bidi");
    }

    @Test
    void removesControlCharactersButNotTheWordsAroundThem() {
        assertThat(TextNormalizer.normalize("bell\u0007 null\u0000 del\u007F esc\u001B[0m"))
                .isEqualTo("bell null del esc[0m");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Wait…                    | Wait...
            Wait……                   | Wait...
            Wait.....                | Wait...
            Wait. . . what           | Wait... what
            Hi!!!                    | Hi!
            What?!?                  | What?
            Really?!                 | Really?
            No??                     | No?
            a,, b;; c                | a, b; c
            好。。。                   | 好。
            """)
    void collapsesRepeatedPunctuation(String input, String expected) {
        assertThat(TextNormalizer.normalize(input)).isEqualTo(expected);
    }

    @Test
    void keepsNumbersAndOrdinaryPunctuationIntact() {
        String text = "Pi is 3.14, pay $1,000.50 at 10:30 on 2026-11-25 (about 5%) & e-mail a@b.com.";
        assertThat(TextNormalizer.normalize(text)).isEqualTo(text);
    }

    @Test
    void neverDropsLettersOrDigits() {
        String text = "Ｔｅｓｔ —\u200B “quoted” 3–5 ‘x’ … 你好，世界！ Ünïcödé\u00A0straße café 123!!!";
        assertThat(lettersAndDigits(TextNormalizer.normalize(text)))
                .isEqualTo(lettersAndDigits(com.ibm.icu.text.Normalizer2.getNFKCInstance().normalize(text)));
    }

    @Test
    void returnsEmptyForBlankOrInvisibleInput() {
        assertThat(TextNormalizer.normalize("")).isEmpty();
        assertThat(TextNormalizer.normalize(" \t\n\u200B\uFEFF\u00A0")).isEmpty();
    }

    @Test
    void rejectsNull() {
        assertThatNullPointerException().isThrownBy(() -> TextNormalizer.normalize(null)).withMessage("text");
    }

    private static String lettersAndDigits(String s) {
        return s.codePoints().filter(Character::isLetterOrDigit)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
