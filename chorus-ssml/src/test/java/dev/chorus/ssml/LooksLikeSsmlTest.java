package dev.chorus.ssml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class LooksLikeSsmlTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "<speak>Hi</speak>",
        "<speak/>",
        "<speak",
        "  \n\t<speak version=\"1.1\">",
        "\uFEFF<speak>",
        "<?xml version=\"1.0\"?><speak>",
        "\uFEFF <?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<speak\nxml:lang=\"en\">",
        "<!-- generated --><speak>",
        "<?xml version=\"1.0\"?>\n<!-- a -->\n<speak>",
    })
    void recognizesSpeakDocuments(String input) {
        assertThat(SsmlParser.looksLikeSsml(input)).isTrue();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
        "",
        "   ",
        "Hello <speak>",
        "<speaker>",
        "<p>Hi</p>",
        "<?xml version=\"1.0\"?>",
        "<?xml version=\"1.0\"<speak>",
        "<!-- <speak> ",
        "<ssml:speak>",
        "&lt;speak>",
    })
    void rejectsEverythingElse(String input) {
        assertThat(SsmlParser.looksLikeSsml(input)).isFalse();
    }
}
