package dev.chorus.text;

/** Whitespace trimming on offsets, so chunks keep their place in the text. */
final class Spans {

    private Spans() {
    }

    /** Returns {@code [start, end)} without leading and trailing whitespace; empty when it is all whitespace. */
    static Span trim(String text, int start, int end) {
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return new Span(start, end);
    }
}
