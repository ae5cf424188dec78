package dev.chorus.ssml;

import static dev.chorus.ssml.SsmlAssertions.assertRejected;
import static dev.chorus.ssml.SsmlAssertions.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every limit, at and just past its value. */
class SsmlLimitsTest {

    @Test
    void defaultsAreDocumented() {
        SsmlLimits limits = SsmlLimits.defaults();
        assertThat(limits.maxDocumentChars()).isEqualTo(100_000);
        assertThat(limits.maxDepth()).isEqualTo(32);
        assertThat(limits.maxElements()).isEqualTo(5_000);
        assertThat(limits.maxAttributesPerElement()).isEqualTo(16);
        assertThat(limits.maxMarkNameLength()).isEqualTo(256);
        assertThat(limits.maxBreak()).isEqualTo(Duration.ofSeconds(10));
        assertThat(limits.maxTotalSilence()).isEqualTo(Duration.ofSeconds(60));
        assertThat(new SsmlParser().limits()).isEqualTo(limits);
    }

    @Test
    void limitsMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> SsmlLimits.defaults().withMaxDepth(0))
                .withMessage("maxDepth: 0 (expected: > 0)");
        assertThatIllegalArgumentException().isThrownBy(() -> SsmlLimits.defaults().withMaxBreak(Duration.ZERO))
                .withMessage("maxBreak: PT0S (expected: > 0)");
        assertThatNullPointerException().isThrownBy(() -> SsmlLimits.defaults().withMaxTotalSilence(null));
        assertThatNullPointerException().isThrownBy(() -> new SsmlParser(null));
    }

    @Test
    void documentLength() {
        String head = "<speak>";
        String tail = "</speak>";
        String fits = head + "a".repeat(100_000 - head.length() - tail.length()) + tail;
        assertThat(fits).hasSize(100_000);
        assertThat(parse(fits).texts()).hasSize(1);
        assertRejected(fits.replace("<speak>", "<speak> "),
                "SSML document is 100001 chars long, over the limit of 100000");
    }

    @Test
    void depth() {
        String fits = "<speak>" + "<voice>".repeat(31) + "x" + "</voice>".repeat(31) + "</speak>";
        assertThat(parse(fits).texts()).hasSize(1);
        String deeper = "<speak>" + "<voice>".repeat(32) + "x" + "</voice>".repeat(32) + "</speak>";
        assertRejected(deeper, "SSML line 1, column " + (1 + "<speak>".length() + 31 * "<voice>".length())
                + ": <voice> is nested 33 deep, over the limit of 32");
    }

    @Test
    void elementCount() {
        String fits = "<speak>" + "<mark name=\"m\"/>".repeat(4_999) + "</speak>";
        assertThat(parse(fits).segments()).hasSize(4_999);
        String more = "<speak>" + "<mark name=\"m\"/>".repeat(5_000) + "</speak>";
        assertRejected(more, "SSML line 1, column " + (1 + "<speak>".length() + 4_999 * "<mark name=\"m\"/>".length())
                + ": <mark> is element number 5001, over the limit of 5000 elements");
    }

    @Test
    void attributesPerElement() {
        StringBuilder attributes = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            attributes.append(" xmlns:n").append(i).append("=\"urn:").append(i).append('"');
        }
        assertThat(parse("<speak" + attributes + ">x</speak>").texts()).hasSize(1);
        assertRejected("<speak" + attributes + " xml:lang=\"en\">x</speak>",
                "SSML line 1, column 1: <speak> has 17 attributes, over the limit of 16");
    }

    @Test
    void singleBreak() {
        assertThat(((Segment.Break) parse("<speak><break time=\"10s\"/></speak>").segments().getFirst()).millis())
                .isEqualTo(10_000);
        assertThat(((Segment.Break) parse("<speak><break time=\"10000ms\"/></speak>").segments().getFirst())
                .millis()).isEqualTo(10_000);
        assertRejected("<speak>\n  <p>\n    Wait <break time=\"20s\"/> done</p></speak>",
                "SSML line 3, column 10: <break> time \"20s\" exceeds the limit of 10s");
        assertRejected("<speak><break time=\"10001ms\"/></speak>",
                "SSML line 1, column 8: <break> time \"10001ms\" exceeds the limit of 10s");
        assertRejected("<speak><break time=\"99999999999999999999999999s\"/></speak>",
                "SSML line 1, column 8: <break> time \"99999999999999999999999999s\" exceeds the limit of 10s");
    }

    @Test
    void singleBreakWithASmallerLimitAppliesToStrengthsToo() {
        SsmlParser parser = new SsmlParser(SsmlLimits.defaults().withMaxBreak(Duration.ofMillis(500)));
        assertRejected(parser, "<speak><break strength=\"strong\"/></speak>",
                "SSML line 1, column 8: <break> strength \"strong\" (750ms) exceeds the limit of 500ms");
        assertThat(parser.parse("<speak><break/></speak>").segments()).hasSize(1);
    }

    @Test
    void totalSilence() {
        String six = "<speak>" + "<break time=\"10s\"/>".repeat(6) + "</speak>";
        assertThat(parse(six).segments()).hasSize(6);
        String seven = "<speak>" + "<break time=\"10s\"/>".repeat(6) + "\n<break time=\"1ms\"/></speak>";
        assertRejected(seven,
                "SSML line 2, column 1: <break> brings the total silence to 60.001s, over the limit of 60s");
    }

    @Test
    void markNameLength() {
        String name = "m".repeat(256);
        assertThat(((Segment.Mark) parse("<speak><mark name=\"" + name + "\"/></speak>").segments().getFirst())
                .name()).isEqualTo(name);
        assertRejected("<speak><mark name=\"" + name + "x\"/></speak>",
                "SSML line 1, column 8: <mark> name is 257 chars long, over the limit of 256");
    }

    @Test
    void customLimitsApply() {
        SsmlLimits defaults = SsmlLimits.defaults();
        assertRejected(new SsmlParser(defaults.withMaxDocumentChars(20)), "<speak>" + "x".repeat(20) + "</speak>",
                "SSML document is 35 chars long, over the limit of 20");
        assertRejected(new SsmlParser(defaults.withMaxDepth(2)), "<speak><p><s/></p></speak>",
                "SSML line 1, column 11: <s> is nested 3 deep, over the limit of 2");
        assertRejected(new SsmlParser(defaults.withMaxElements(2)), "<speak><p/><s/></speak>",
                "SSML line 1, column 12: <s> is element number 3, over the limit of 2 elements");
        assertRejected(new SsmlParser(defaults.withMaxAttributesPerElement(1)),
                "<speak><prosody rate=\"fast\" pitch=\"low\">x</prosody></speak>",
                "SSML line 1, column 8: <prosody> has 2 attributes, over the limit of 1");
        assertRejected(new SsmlParser(defaults.withMaxMarkNameLength(2)), "<speak><mark name=\"abc\"/></speak>",
                "SSML line 1, column 8: <mark> name is 3 chars long, over the limit of 2");
        assertRejected(new SsmlParser(defaults.withMaxTotalSilence(Duration.ofMillis(1500))),
                "<speak><break time=\"1s\"/><break/><break/></speak>",
                "SSML line 1, column 34: <break> brings the total silence to 1.8s, over the limit of 1.5s");
    }
}
