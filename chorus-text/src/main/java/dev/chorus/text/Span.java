package dev.chorus.text;

/** A range {@code [start, end)} of offsets into a string. */
record Span(int start, int end) {

    int length() {
        return end - start;
    }
}
