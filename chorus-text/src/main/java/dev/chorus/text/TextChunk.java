package dev.chorus.text;

import java.util.Objects;

/**
 * One piece of text to synthesize on its own: a sentence, or part of a long one.
 *
 * @param text  the chunk's text, equal to {@code normalized.substring(start, end)}; never blank, never starts or
 *              ends with whitespace
 * @param start offset of the first char in {@link PreparedText#normalized()}, inclusive
 * @param end   offset just past the last char in {@link PreparedText#normalized()}, exclusive
 */
public record TextChunk(String text, int start, int end) {

    /** Checks that the offsets are consistent with the text. */
    public TextChunk {
        Objects.requireNonNull(text, "text");
        if (start < 0) {
            throw new IllegalArgumentException("start: " + start + " (expected: >= 0)");
        }
        if (end - start != text.length()) {
            throw new IllegalArgumentException("end: " + end + " (expected: start + text length = "
                    + (start + text.length()) + ")");
        }
    }
}
