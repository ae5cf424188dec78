package dev.chorus.ssml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.chorus.tts.InvalidInputException;
import java.util.List;

/** Helpers shared by the SSML tests. */
final class SsmlAssertions {

    static final SsmlParser PARSER = new SsmlParser();

    private SsmlAssertions() {
    }

    static SsmlDocument parse(String ssml) {
        return PARSER.parse(ssml);
    }

    static List<Segment.Text> texts(String ssml) {
        return parse(ssml).texts();
    }

    static Segment.Text onlyText(String ssml) {
        List<Segment.Text> texts = texts(ssml);
        assertThat(texts).hasSize(1);
        return texts.getFirst();
    }

    /** Returns the source a segment's offsets cover. */
    static String source(String ssml, Segment segment) {
        return switch (segment) {
            case Segment.Text t -> ssml.substring(t.sourceStart(), t.sourceEnd());
            case Segment.Break b -> ssml.substring(b.sourceStart(), b.sourceEnd());
            case Segment.Mark m -> ssml.substring(m.sourceStart(), m.sourceEnd());
            case Segment.Boundary ignored -> throw new IllegalArgumentException("boundaries have no offsets");
        };
    }

    /** Asserts that parsing fails with an {@link InvalidInputException} about {@code input} with this message. */
    static void assertRejected(String ssml, String message) {
        assertRejected(PARSER, ssml, message);
    }

    static void assertRejected(SsmlParser parser, String ssml, String message) {
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> parser.parse(ssml))
                .withMessage(message)
                .satisfies(e -> assertThat(e.param()).isEqualTo("input"));
    }
}
