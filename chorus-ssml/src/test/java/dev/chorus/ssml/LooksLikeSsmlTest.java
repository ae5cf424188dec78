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
        // Recognized so that the parser rejects the DTD instead of the markup being read aloud.
        "<?xml version=\"1.0\"?>\n<!DOCTYPE speak PUBLIC \"-//W3C//DTD SYNTHESIS 1.0//EN\"\n"
                + "  \"http://www.w3.org/TR/speech-synthesis/synthesis.dtd\">\n<speak>",
        "<!DOCTYPE speak [<!ENTITY x SYSTEM \"file:///etc/passwd\"> <!ENTITY y \"]>\">]><speak>&x;</speak>",
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
        "<!DOCTYPE speak [<!ENTITY x \"y\">",
        "<!DOCTYPE html><p>Hi</p>",
    })
    void rejectsEverythingElse(String input) {
        assertThat(SsmlParser.looksLikeSsml(input)).isFalse();
    }
}
