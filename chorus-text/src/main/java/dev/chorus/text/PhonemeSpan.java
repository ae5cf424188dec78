package dev.chorus.text;

import java.util.Objects;

/**
 * A pronunciation from a lexicon for a stretch of {@link PreparedText#normalized()}: the words there are kept as
 * text, so engines that cannot take phonemes still speak them, and engines that can may use {@code phonemes}
 * instead.
 *
 * @param start    offset of the first char in the normalized text, inclusive
 * @param end      offset just past the last char in the normalized text, exclusive
 * @param phonemes the pronunciation, in {@code alphabet}
 * @param alphabet the phonetic alphabet, such as {@code "ipa"} or {@code "x-sampa"}
 */
public record PhonemeSpan(int start, int end, String phonemes, String alphabet) {

    /** Checks the offsets and that the pronunciation is not blank. */
    public PhonemeSpan {
        Objects.requireNonNull(phonemes, "phonemes");
        Objects.requireNonNull(alphabet, "alphabet");
        if (start < 0) {
            throw new IllegalArgumentException("start: " + start + " (expected: >= 0)");
        }
        if (end <= start) {
            throw new IllegalArgumentException("end: " + end + " (expected: > start = " + start + ")");
        }
        if (phonemes.isBlank()) {
            throw new IllegalArgumentException("phonemes: \"" + phonemes + "\" (expected: not blank)");
        }
    }
}
