package dev.chorus.text;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text rewritten from a source string, which remembers for every char of the rewritten text the range of the
 * source it came from, so that positions in the rewritten text (a word, a chunk, a timing mark) can be traced
 * back to what the user wrote.
 *
 * <p>A char copied from the source maps to that one char; every char of a replacement maps to the whole source
 * range it replaced ({@code "five dollars and twenty cents"} maps, char by char, to the whole of {@code "$5.20"});
 * a char that was inserted (a space between two paragraphs) maps to the empty range where it was inserted.
 * Ranges never go backwards: the source ranges of later chars start and end no earlier than those of earlier
 * chars.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class MappedText {

    private final String text;
    private final String source;
    private final int[] starts;
    private final int[] ends;

    private MappedText(String text, String source, int[] starts, int[] ends) {
        this.text = text;
        this.source = source;
        this.starts = starts;
        this.ends = ends;
    }

    /** Returns {@code text} mapped onto itself, char for char. */
    public static MappedText identity(String text) {
        Objects.requireNonNull(text, "text");
        int[] starts = new int[text.length()];
        int[] ends = new int[text.length()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = i;
            ends[i] = i + 1;
        }
        return new MappedText(text, text, starts, ends);
    }

    /** Returns the rewritten text. */
    public String text() {
        return text;
    }

    /** Returns the source string the offsets point into. */
    public String source() {
        return source;
    }

    /** Returns the length of the rewritten text. */
    public int length() {
        return text.length();
    }

    /**
     * Returns where in the source the char at {@code offset} starts; for {@code offset == length()}, where the
     * source of the last char ends (0 when the text is empty).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= length()}
     */
    public int sourceStart(int offset) {
        Objects.checkIndex(offset, text.length() + 1);
        if (offset < text.length()) {
            return starts[offset];
        }
        return text.isEmpty() ? 0 : ends[text.length() - 1];
    }

    /**
     * Returns where in the source the text ending at {@code endOffset} (exclusive) ends: the source end of the
     * char before {@code endOffset}; for {@code endOffset == 0}, the source start of the first char (0 when the
     * text is empty).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= endOffset <= length()}
     */
    public int sourceEnd(int endOffset) {
        Objects.checkIndex(endOffset, text.length() + 1);
        if (endOffset > 0) {
            return ends[endOffset - 1];
        }
        return text.isEmpty() ? 0 : starts[0];
    }

    /**
     * Returns the source range that {@code [start, end)} of the rewritten text came from; for an empty range,
     * the empty source range at {@link #sourceStart(int) sourceStart(start)}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= start <= end <= length()}
     */
    public Span sourceSpan(int start, int end) {
        Objects.checkFromToIndex(start, end, text.length());
        if (start == end) {
            int at = sourceStart(start);
            return new Span(at, at);
        }
        return new Span(starts[start], ends[end - 1]);
    }

    /** Returns the source text that {@code [start, end)} of the rewritten text came from. */
    public String sourceText(int start, int end) {
        Span span = sourceSpan(start, end);
        return source.substring(span.start(), span.end());
    }

    /** Returns {@code [start, end)} of this text with the same source mapping. */
    public MappedText slice(int start, int end) {
        Objects.checkFromToIndex(start, end, text.length());
        if (start == 0 && end == text.length()) {
            return this;
        }
        return new MappedText(text.substring(start, end), source,
                Arrays.copyOfRange(starts, start, end), Arrays.copyOfRange(ends, start, end));
    }

    /**
     * Replaces every match of {@code pattern} with what {@code replacement} returns for it, mapped to the source
     * of the match; the rest is copied.
     */
    MappedText replaceAll(Pattern pattern, Function<MatchResult, String> replacement) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return this;
        }
        Builder out = new Builder(source, text.length());
        int last = 0;
        do {
            out.copy(this, last, m.start());
            out.replace(this, m.start(), m.end(), replacement.apply(m));
            last = m.end();
        } while (m.find());
        out.copy(this, last, text.length());
        return out.build();
    }

    /** Returns this text without leading and trailing whitespace. */
    MappedText strip() {
        Span span = Spans.trim(text, 0, text.length());
        return slice(span.start(), span.end());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MappedText other && text.equals(other.text) && source.equals(other.source)
                && Arrays.equals(starts, other.starts) && Arrays.equals(ends, other.ends);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * text.hashCode() + source.hashCode()) + Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        return "MappedText[" + text + "]";
    }

    /** Builds a {@link MappedText} left to right. Not thread-safe. */
    static final class Builder {

        private final String source;
        private final StringBuilder text;
        private int[] starts;
        private int[] ends;

        Builder(String source, int capacity) {
            this.source = source;
            int size = Math.max(16, capacity);
            this.text = new StringBuilder(size);
            this.starts = new int[size];
            this.ends = new int[size];
        }

        int length() {
            return text.length();
        }

        boolean isEmpty() {
            return text.isEmpty();
        }

        /** Returns the last char, or 0 when nothing was appended. */
        char lastChar() {
            return text.isEmpty() ? 0 : text.charAt(text.length() - 1);
        }

        /** Returns the source offset just past what was appended so far. */
        int sourcePosition() {
            return text.isEmpty() ? 0 : ends[text.length() - 1];
        }

        /** Drops everything after the first {@code length} chars. */
        void setLength(int length) {
            text.setLength(length);
        }

        /** Appends {@code c}, mapped to the source range {@code [sourceStart, sourceEnd)}. */
        Builder append(char c, int sourceStart, int sourceEnd) {
            int n = text.length();
            if (n > 0 && sourceStart < starts[n - 1]) {
                shareInsertedWith(sourceStart);
            }
            if (n > 0 && (sourceStart < starts[n - 1] || sourceEnd < ends[n - 1])) {
                throw new IllegalStateException("source range [" + sourceStart + ", " + sourceEnd
                        + ") goes back before [" + starts[n - 1] + ", " + ends[n - 1] + ")");
            }
            if (n == starts.length) {
                starts = Arrays.copyOf(starts, n * 2);
                ends = Arrays.copyOf(ends, n * 2);
            }
            text.append(c);
            starts[n] = sourceStart;
            ends[n] = sourceEnd;
            return this;
        }

        /**
         * Widens the inserted chars (empty ranges) at the end back to {@code sourceStart}, when what follows them
         * comes from the same source as what precedes them: one source char expanded into several (NFKC turns
         * {@code ⩵} into {@code ==}, read "equals equals") with a space inserted between the readings. The space
         * then belongs to that char, and the ranges stay in order.
         */
        private void shareInsertedWith(int sourceStart) {
            int n = text.length();
            int k = n - 1;
            while (k >= 0 && starts[k] == ends[k]) {
                k--;
            }
            if (k < n - 1 && (k < 0 || sourceStart >= starts[k])) {
                Arrays.fill(starts, k + 1, n, sourceStart);
            }
        }

        /** Appends every char of {@code s}, each mapped to the source range {@code [sourceStart, sourceEnd)}. */
        Builder append(CharSequence s, int sourceStart, int sourceEnd) {
            for (int i = 0; i < s.length(); i++) {
                append(s.charAt(i), sourceStart, sourceEnd);
            }
            return this;
        }

        /** Appends {@code s} in place of {@code [from, to)} of {@code in}, mapped to where that came from. */
        Builder replace(MappedText in, int from, int to, CharSequence s) {
            Span span = in.sourceSpan(from, to);
            return append(s, span.start(), span.end());
        }

        /** Copies {@code [from, to)} of {@code in} with its own mapping. */
        Builder copy(MappedText in, int from, int to) {
            for (int i = from; i < to; i++) {
                append(in.text.charAt(i), in.starts[i], in.ends[i]);
            }
            return this;
        }

        /** Appends {@code c} as an inserted char, mapped to the empty range where the source stands so far. */
        Builder insert(char c) {
            int at = sourcePosition();
            return append(c, at, at);
        }

        MappedText build() {
            int n = text.length();
            return new MappedText(text.toString(), source, Arrays.copyOf(starts, n), Arrays.copyOf(ends, n));
        }
    }
}
