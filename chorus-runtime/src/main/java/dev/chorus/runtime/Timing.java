package dev.chorus.runtime;

import java.util.Objects;

/**
 * When a word, a sentence or an SSML mark is heard in a request's audio.
 *
 * @param kind         what the event marks
 * @param text         the word or sentence as the voice read it (after normalization), or the mark's name
 * @param sourceStart  offset of the first character in the request's input (the SSML document for SSML), inclusive
 * @param sourceEnd    offset just past the last character in the input, exclusive ({@code == sourceStart} for marks)
 * @param sampleOffset position in the output audio, in samples at the request's output rate
 * @param timeMillis   the same position in milliseconds
 * @param estimated    {@code true} when the engine reported no timing and the position was estimated from the
 *                     word's length
 */
public record Timing(Kind kind, String text, int sourceStart, int sourceEnd, long sampleOffset, long timeMillis,
                     boolean estimated) {

    /** What a timing event marks. */
    public enum Kind {
        /** A word starts. */
        WORD,
        /** A sentence (or a chunk of a long one) starts. */
        SENTENCE,
        /** An SSML {@code <mark>} is reached. */
        MARK;

        /** Returns the lower-case name used in APIs. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Timing {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
    }

    /** Returns a timing at {@code sampleOffset} of a stream at {@code sampleRate}, its time in whole ms. */
    public static Timing at(Kind kind, String text, int sourceStart, int sourceEnd, long sampleOffset, int sampleRate,
                     boolean estimated) {
        return new Timing(kind, text, sourceStart, sourceEnd, sampleOffset,
                Math.round(sampleOffset * 1000.0 / sampleRate), estimated);
    }
}
