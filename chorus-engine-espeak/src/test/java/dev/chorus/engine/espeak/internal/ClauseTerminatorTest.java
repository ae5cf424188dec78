package dev.chorus.engine.espeak.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ClauseTerminatorTest {

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "Hello, | ,",
            "world. | .",
            "How are you? | ?",
            "Wait... | ...",
            "what?! | ?!",
            "he said \"fine.\" | .",
            "(see above). | .",
            "(see above.) | .",
            "你好， | ，",
            "世界。 | 。",
            "no punctuation | ``",
            "`` | ``",
    })
    void findsTheTrailingClausePunctuation(String clause, String expected) {
        assertThat(ClauseTerminator.of(clause + " ")).isEqualTo(expected);
    }
}
