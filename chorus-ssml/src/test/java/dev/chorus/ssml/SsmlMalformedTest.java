package dev.chorus.ssml;

import static dev.chorus.ssml.SsmlAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.chorus.tts.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Input that is not well-formed XML, or not SSML at all. */
class SsmlMalformedTest {

    @Test
    void unclosedTag() {
        assertRejected("<speak>\n  <p>Hello\n</speak>", "SSML line 3, column 3: The element type \"p\" must be"
                + " terminated by the matching end-tag \"</p>\"");
    }

    @Test
    void unterminatedDocument() {
        assertRejected("<speak>Hello", "SSML line 1, column 13: XML document structures must start and end"
                + " within the same entity");
    }

    @Test
    void unquotedAttribute() {
        assertRejected("<speak><break time=500ms/></speak>", "SSML line 1, column 20: Open quote is expected for"
                + " attribute \"time\" associated with an  element type  \"break\"");
    }

    @Test
    void duplicateAttribute() {
        assertRejected("<speak>\n<break time=\"1s\" time=\"2s\"/></speak>",
                "SSML line 2, column 29: attribute \"time\" appears more than once in <break>");
    }

    @Test
    void unboundPrefix() {
        assertRejected("<speak><v:x>a</v:x></speak>",
                "SSML line 1, column 13: the prefix \"v\" of element <v:x> is not bound to a namespace");
        assertRejected("<speak v:x=\"1\">a</speak>",
                "SSML line 1, column 16: the prefix \"v\" of attribute \"v:x\" is not bound to a namespace");
    }

    @Test
    void textAfterTheRoot() {
        assertRejected("<speak>Hi</speak>\nthere", "SSML line 2, column 1: Content is not allowed in trailing"
                + " section");
        assertRejected("<speak>Hi</speak><speak/>", "SSML line 1, column 19: The markup in the document following"
                + " the root element must be well-formed");
    }

    @Test
    void wrongRootElement() {
        assertRejected("<p>Hello</p>", "SSML line 1, column 1: the root element must be <speak>, not <p>");
        assertRejected("\n  <html><body>x</body></html>",
                "SSML line 2, column 3: the root element must be <speak>, not <html>");
        assertRejected("<speak xmlns=\"urn:example\">x</speak>", "SSML line 1, column 1: the root element must be"
                + " <speak> in the SSML namespace http://www.w3.org/2001/10/synthesis, not in urn:example");
    }

    @Test
    void plainTextAndEmptyInput() {
        assertRejected("Hello world", "SSML line 1, column 1: Content is not allowed in prolog");
        assertRejected("", "SSML line 1, column 1: Premature end of file");
        assertRejected("   ", "SSML line 1, column 4: Premature end of file");
    }

    @Test
    void linesCountCrLfAndLoneCrAsOneLineEnd() {
        assertRejected("<speak>\r\n\r\n  <foo/></speak>", "SSML line 3, column 3: <foo> is not a supported SSML"
                + " element (expected: speak, p, paragraph, s, sentence, break, prosody, say-as, sub, phoneme, voice,"
                + " lang, mark, emphasis, audio, desc)");
        assertRejected("<speak>\r<s>\r\n\n<break time=\"1h\"/></s></speak>", "SSML line 4, column 1: <break> time"
                + " \"1h\" is not a valid time (expected: a non-negative duration such as 500ms or 2s)");
        assertRejected("<speak>\r\n<p>\r\n</speak>", "SSML line 3, column 3: The element type \"p\" must be"
                + " terminated by the matching end-tag \"</p>\"");
    }

    @Test
    void mismatchedEndTag() {
        assertRejected("<speak><s>x</p></speak>", "SSML line 1, column 14: The element type \"s\" must be"
                + " terminated by the matching end-tag \"</s>\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<speak>a & b</speak>",
        "<speak>a < b</speak>",
        "<speak><break time=\"<\"/></speak>",
        "<speak>\u0000</speak>",
        "<speak>\uD800</speak>",
        "<speak><!-- a -- b --></speak>",
        "<speak><![CDATA[x</speak>",
        "<speak>]]></speak>",
        "<speak><?xml version=\"1.0\"?></speak>",
        "<speak></speak >x",
        "<speak x=\"1\" x=\"2\"/>",
        "<speak xmlns:a=\"urn:a\" xmlns:b=\"urn:a\"><p a:x=\"1\" b:x=\"2\"/></speak>",
        "<?xml version=\"9.0\"?><speak/>",
        " <?xml version=\"1.0\"?><speak/>",
        "<speak>&#0;</speak>",
        "<speak>&#xFFFFFFFF;</speak>",
        "<speak><1/></speak>",
        "<speak",
        "<",
        "</speak>",
    })
    void malformedXmlIsAnInvalidInputWithALocation(String ssml) {
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> SsmlAssertions.parse(ssml))
                .satisfies(e -> assertThat(e.param()).isEqualTo("input"))
                .withMessageMatching("SSML line 1, column [1-9][0-9]*: \\S.*")
                .withMessageNotContaining("ParseError")
                .withMessageNotContaining("http://");
    }
}
