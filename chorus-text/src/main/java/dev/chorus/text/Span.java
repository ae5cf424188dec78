package dev.chorus.text;

/**
 * A range {@code [start, end)} of offsets into a string.
 *
 * @param start offset of the first char, inclusive
 * @param end   offset just past the last char, exclusive
 */
public record Span(int start, int end) {

    /** Checks that the range is not reversed and does not start before 0. */
    public Span {
        if (start < 0) {
            throw new IllegalArgumentException("start: " + start + " (expected: >= 0)");
        }
        if (end < start) {
            throw new IllegalArgumentException("end: " + end + " (expected: >= start = " + start + ")");
        }
    }

    /** Returns the number of chars in the range. */
    public int length() {
        return end - start;
    }
}
