package dev.chorus.engine.hmm.bridge;

import org.junit.jupiter.api.Test;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MaryXmlInputTest {

    @Test
    void escapesMarkupAndWrapsNonNormalRatesInProsody() throws Exception {
        String xml = MaryXmlInput.rawMaryXml("Tom & Jerry <3 >", SpeechRate.of(2.0));
        assertThat(xml).contains("<prosody rate=\"+50.0000%\">Tom &amp; Jerry &lt;3 &gt;</prosody>");
        assertThat(parse(xml).getDocumentElement().getTextContent()).isEqualTo("Tom & Jerry <3 >");
        assertThat(MaryXmlInput.rawMaryXml("Hi", SpeechRate.of(1.0))).doesNotContain("prosody");
    }

    @Test
    void replacesWhatXmlCannotCarryOneForOne() throws Exception {
        String text = "a\u0001b\uFFFFc\uD800d\uD83D\uDE00e\tf";
        String clean = MaryXmlInput.sanitize(text);
        assertThat(clean).isEqualTo("a b c d\uD83D\uDE00e\tf").hasSameSizeAs(text);
        assertThat(parse(MaryXmlInput.rawMaryXml(text, SpeechRate.of(1.0))).getDocumentElement().getTextContent())
                .isEqualTo(clean);
        assertThat(MaryXmlInput.sanitize("plain")).isSameAs("plain");
    }

    private static org.w3c.dom.Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
