package dev.chorus.ssml;

import static dev.chorus.ssml.SsmlAssertions.onlyText;
import static dev.chorus.ssml.SsmlAssertions.parse;
import static dev.chorus.ssml.SsmlAssertions.source;
import static dev.chorus.ssml.SsmlAssertions.texts;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Text runs: decoding, offsets, merging and whitespace. */
class SsmlTextTest {

    @Test
    void textDirectlyUnderSpeakIsOneRunWithTheDefaultStyle() {
        String ssml = "<speak>Hello world.</speak>";
        SsmlDocument doc = parse(ssml);
        assertThat(doc.segments()).containsExactly(new Segment.Text("Hello world.", 7, 19, Style.DEFAULT));
        assertThat(doc.warnings()).isEmpty();
        assertThat(doc.language()).isNull();
    }

    @Test
    void entityAndCharacterReferencesDecodeButOffsetsCoverTheRawSource() {
        String ssml = "<speak>Tom &amp; Jerry &lt;3 &#233;t&#xE9; &quot;x&apos;</speak>";
        Segment.Text text = onlyText(ssml);
        assertThat(text.text()).isEqualTo("Tom & Jerry <3 été \"x'");
        assertThat(source(ssml, text)).isEqualTo("Tom &amp; Jerry &lt;3 &#233;t&#xE9; &quot;x&apos;");
    }

    @Test
    void supplementaryCharactersCountAsTwoUtf16Units() {
        String ssml = "<speak>\uD83D\uDE00 &#x1F600; ok</speak>";
        Segment.Text text = onlyText(ssml);
        assertThat(text.text()).isEqualTo("\uD83D\uDE00 \uD83D\uDE00 ok");
        assertThat(text.sourceStart()).isEqualTo(7);
        assertThat(source(ssml, text)).isEqualTo("\uD83D\uDE00 &#x1F600; ok");
    }

    @Test
    void cdataIsTextAndItsMarkersAreCoveredByTheOffsets() {
        String ssml = "<speak>a <![CDATA[<b> & c]]> d</speak>";
        Segment.Text text = onlyText(ssml);
        assertThat(text.text()).isEqualTo("a <b> & c d");
        assertThat(source(ssml, text)).isEqualTo("a <![CDATA[<b> & c]]> d");
    }

    @Test
    void lineEndsAreNormalizedInTextButOffsetsPointAtTheRawChars() {
        String ssml = "<speak>\r\none\r\ntwo\rthree\n</speak>";
        Segment.Text text = onlyText(ssml);
        assertThat(text.text()).isEqualTo("\none\ntwo\nthree\n");
        assertThat(source(ssml, text)).isEqualTo("\r\none\r\ntwo\rthree\n");
    }

    @Test
    void offsetsAfterCrLfLinesStayExact() {
        String ssml = "<speak>\r\n  <s>First.</s>\r\n  <s>Second &amp; last.</s>\r\n</speak>";
        List<Segment.Text> texts = texts(ssml);
        assertThat(texts).extracting(t -> source(ssml, t)).containsExactly("First.", "Second &amp; last.");
        assertThat(texts.get(1).sourceStart()).isEqualTo(ssml.indexOf("Second"));
    }

    @Test
    void byteOrderMarkIsAllowedAndCountedInOffsets() {
        String ssml = "\uFEFF<?xml version=\"1.0\" encoding=\"UTF-8\"?><speak>hi</speak>";
        Segment.Text text = onlyText(ssml);
        assertThat(text.sourceStart()).isEqualTo(ssml.indexOf("hi"));
        assertThat(source(ssml, text)).isEqualTo("hi");
    }

    @Test
    void commentsAndProcessingInstructionsAreSkippedAndRunsAroundThemMerge() {
        String ssml = "<!-- before --><?app x?><speak>one <!-- note --> two<?app y?> three</speak><!-- after -->";
        Segment.Text text = onlyText(ssml);
        assertThat(text.text()).isEqualTo("one  two three");
        assertThat(text.sourceStart()).isEqualTo(ssml.indexOf("one"));
        assertThat(text.sourceEnd()).isEqualTo(ssml.indexOf("</speak>"));
    }

    @Test
    void textInTheSameStyleMergesAcrossStyleNeutralTags() {
        String ssml = "<speak>one <voice>two</voice> three</speak>";
        Segment.Text text = onlyText(ssml);
        assertThat(text.text()).isEqualTo("one two three");
        assertThat(source(ssml, text)).isEqualTo("one <voice>two</voice> three");
    }

    @Test
    void aStyleChangeStartsANewRun() {
        String ssml = "<speak>Hello <emphasis>big</emphasis> world</speak>";
        List<Segment.Text> texts = texts(ssml);
        assertThat(texts).extracting(Segment.Text::text).containsExactly("Hello ", "big", " world");
        assertThat(texts).extracting(t -> source(ssml, t)).containsExactly("Hello ", "big", " world");
        assertThat(texts.get(1).style().emphasis()).isEqualTo("moderate");
    }

    @Test
    void indentationAroundElementsYieldsNoSegments() {
        String ssml = """
                <speak>
                  <p>
                    <s>One.</s>
                    <s>Two.</s>
                  </p>
                </speak>
                """;
        SsmlDocument doc = parse(ssml);
        assertThat(doc.segments()).extracting(Object::getClass).containsExactly(Segment.Text.class,
                Segment.Boundary.class, Segment.Text.class, Segment.Boundary.class);
        assertThat(doc.texts()).extracting(Segment.Text::text).containsExactly("One.", "Two.");
    }

    @Test
    void whitespaceBetweenTwoStyledRunsIsKept() {
        String ssml = "<speak><emphasis>big</emphasis> <emphasis level=\"strong\">dog</emphasis></speak>";
        List<Segment.Text> texts = texts(ssml);
        assertThat(texts).extracting(Segment.Text::text).containsExactly("big", " ", "dog");
        assertThat(texts.get(1).style()).isEqualTo(Style.DEFAULT);
        assertThat(source(ssml, texts.get(1))).isEqualTo(" ");
    }

    @Test
    void whitespaceAfterTheLastTextIsDropped() {
        String ssml = "<speak><emphasis>word</emphasis>  </speak>";
        assertThat(texts(ssml)).extracting(Segment.Text::text).containsExactly("word");
    }

    @Test
    void emptyAndWhitespaceOnlyDocumentsHaveNoSegments() {
        assertThat(parse("<speak/>").segments()).isEmpty();
        assertThat(parse("<speak></speak>").segments()).isEmpty();
        assertThat(parse("  <speak>\n\t </speak>\n").segments()).isEmpty();
        assertThat(parse("<speak><p> </p><s/></speak>").segments()).isEmpty();
        assertThat(parse("<speak/>").hasSpeech()).isFalse();
    }

    @Test
    void breaksAloneAreAValidDocument() {
        SsmlDocument doc = parse("<speak> <break time=\"1s\"/> <break/> </speak>");
        assertThat(doc.segments()).extracting(Object::getClass)
                .containsExactly(Segment.Break.class, Segment.Break.class);
        assertThat(doc.texts()).isEmpty();
        assertThat(doc.hasSpeech()).isFalse();
    }

    @Test
    void plainTextJoinsTextsAndCollapsesWhitespace() {
        SsmlDocument doc = parse("<speak>\n  <p>Hello <sub alias=\"World Wide Web\">WWW</sub>.</p>"
                + "<p>Bye<break/>now</p>\n</speak>");
        assertThat(doc.plainText()).isEqualTo("Hello World Wide Web. Bye now");
        assertThat(doc.hasSpeech()).isTrue();
    }
}
