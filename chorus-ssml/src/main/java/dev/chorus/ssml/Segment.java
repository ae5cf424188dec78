package dev.chorus.ssml;

import java.util.Objects;

/**
 * One step of an {@link SsmlDocument}'s plan, in reading order: text to speak, a pause, a mark to report, or a
 * sentence or paragraph boundary.
 *
 * <p>Offsets are UTF-16 indexes into the original SSML string passed to {@link SsmlParser#parse(String)},
 * {@code sourceStart} inclusive and {@code sourceEnd} exclusive.
 */
public sealed interface Segment permits Segment.Text, Segment.Break, Segment.Mark, Segment.Boundary {

    /**
     * A run of text spoken in one style.
     *
     * <p>For character data, {@code text} is the decoded characters: entity and character references are replaced
     * ({@code &amp;} becomes {@code &}), CDATA markers dropped, line ends normalized to {@code \n}, and whitespace
     * kept as written. The offsets cover the raw source of those characters, so {@code &amp;} counts five chars
     * there and one in {@code text}. Consecutive character data in the same style make one {@code Text}, even
     * across comments or style-neutral tags, whose offsets then span them. The text of a {@code <say-as>} or
     * {@code <phoneme>} is its own {@code Text} and covers the element's content (the whole element when it is
     * empty); a {@code <sub>} yields its {@code alias}, covering the whole element.
     *
     * @param text        the text; may be blank only for whitespace between other text, or for a
     *                    {@code <phoneme>} without fallback text
     * @param sourceStart offset of the first source char
     * @param sourceEnd   offset just past the last source char
     * @param style       how to speak it
     */
    record Text(String text, int sourceStart, int sourceEnd, Style style) implements Segment {

        /** Checks the offsets and that every field is present. */
        public Text {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(style, "style");
            checkOffsets(sourceStart, sourceEnd);
        }
    }

    /**
     * A pause, from {@code <break>}.
     *
     * @param millis      length of the pause in milliseconds, {@code >= 0}
     * @param sourceStart offset of the element's {@code <}
     * @param sourceEnd   offset just past the element's last {@code >}
     */
    record Break(long millis, int sourceStart, int sourceEnd) implements Segment {

        /** Checks the length and the offsets. */
        public Break {
            if (millis < 0) {
                throw new IllegalArgumentException("millis: " + millis + " (expected: >= 0)");
            }
            checkOffsets(sourceStart, sourceEnd);
        }
    }

    /**
     * A named point the runtime reports when audio reaches it, from {@code <mark>}.
     *
     * @param name        the mark's name, never empty
     * @param sourceStart offset of the element's {@code <}
     * @param sourceEnd   offset just past the element's last {@code >}
     */
    record Mark(String name, int sourceStart, int sourceEnd) implements Segment {

        /** Checks the name and the offsets. */
        public Mark {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name: \"\" (expected: not empty)");
            }
            checkOffsets(sourceStart, sourceEnd);
        }
    }

    /**
     * The end of a sentence or paragraph, from {@code <s>} or {@code <p>}: the runtime never lets a chunk of
     * speech run across one. Two boundaries never follow each other; a paragraph boundary stands for both.
     *
     * @param kind which boundary
     */
    record Boundary(Kind kind) implements Segment {

        /** Checks that the kind is present. */
        public Boundary {
            Objects.requireNonNull(kind, "kind");
        }

        /** The unit a {@link Boundary} ends. */
        public enum Kind {
            /** A paragraph ends, from {@code <p>} or {@code <paragraph>}. */
            PARAGRAPH,
            /** A sentence ends, from {@code <s>} or {@code <sentence>}. */
            SENTENCE
        }
    }

    private static void checkOffsets(int sourceStart, int sourceEnd) {
        if (sourceStart < 0) {
            throw new IllegalArgumentException("sourceStart: " + sourceStart + " (expected: >= 0)");
        }
        if (sourceEnd < sourceStart) {
            throw new IllegalArgumentException("sourceEnd: " + sourceEnd + " (expected: >= sourceStart = "
                    + sourceStart + ")");
        }
    }
}
