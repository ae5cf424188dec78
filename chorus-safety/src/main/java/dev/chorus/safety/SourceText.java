package dev.chorus.safety;

import java.util.Arrays;
import java.util.Objects;

/**
 * The text the rules read, with where each of its characters came from in a request's input. Plain text is its
 * own source; the text content of an SSML document is read without its markup, each character pointing at the
 * source characters it was decoded from.
 */
public final class SourceText {

    private final String text;
    private final int[] starts;
    private final int[] ends;
    private final int sourceLength;

    private SourceText(String text, int[] starts, int[] ends, int sourceLength) {
        this.text = text;
        this.starts = starts;
        this.ends = ends;
        this.sourceLength = sourceLength;
    }

    /** Returns plain text that is its own source. */
    public static SourceText plain(String text) {
        Objects.requireNonNull(text, "text");
        int[] s = new int[text.length()];
        int[] e = new int[text.length()];
        for (int i = 0; i < s.length; i++) {
            s[i] = i;
            e[i] = i + 1;
        }
        return new SourceText(text, s, e, text.length());
    }

    /** Returns a builder for text assembled from pieces of a source of {@code sourceLength} characters. */
    public static Builder builder(int sourceLength) {
        return new Builder(sourceLength);
    }

    /** Returns the text the rules read. */
    public String text() {
        return text;
    }

    /** Returns the length of the source the offsets point into. */
    public int sourceLength() {
        return sourceLength;
    }

    /** Returns the source offset of the first character that text character {@code i} came from. */
    public int sourceStart(int i) {
        return starts[i];
    }

    /** Returns the source offset just past the last character that text character {@code i} came from. */
    public int sourceEnd(int i) {
        return ends[i];
    }

    /** Assembles a {@link SourceText} piece by piece, in reading order. */
    public static final class Builder {
        private final StringBuilder text = new StringBuilder();
        private int[] starts = new int[64];
        private int[] ends = new int[64];
        private final int sourceLength;

        private Builder(int sourceLength) {
            if (sourceLength < 0) {
                throw new IllegalArgumentException("sourceLength: " + sourceLength + " (expected: >= 0)");
            }
            this.sourceLength = sourceLength;
        }

        /**
         * Appends {@code piece}, read from source characters {@code [sourceStart, sourceEnd)}. When the piece is as
         * long as its source, each character maps to its own source character; otherwise (decoded entities,
         * substituted text) every character maps to the whole range.
         */
        public Builder append(String piece, int sourceStart, int sourceEnd) {
            if (sourceStart < 0 || sourceEnd < sourceStart || sourceEnd > sourceLength) {
                throw new IllegalArgumentException("source range: [" + sourceStart + ", " + sourceEnd
                        + ") (expected: within [0, " + sourceLength + "])");
            }
            boolean exact = piece.length() == sourceEnd - sourceStart;
            for (int i = 0; i < piece.length(); i++) {
                add(piece.charAt(i), exact ? sourceStart + i : sourceStart, exact ? sourceStart + i + 1 : sourceEnd);
            }
            return this;
        }

        /** Appends a separator that has no source of its own (it maps to an empty range at {@code at}). */
        public Builder separator(char c, int at) {
            add(c, at, at);
            return this;
        }

        private void add(char c, int s, int e) {
            int n = text.length();
            if (n == starts.length) {
                starts = Arrays.copyOf(starts, n * 2);
                ends = Arrays.copyOf(ends, n * 2);
            }
            starts[n] = s;
            ends[n] = e;
            text.append(c);
        }

        /** Returns the assembled text. */
        public SourceText build() {
            int n = text.length();
            return new SourceText(text.toString(), Arrays.copyOf(starts, n), Arrays.copyOf(ends, n), sourceLength);
        }
    }
}
