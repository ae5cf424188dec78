package dev.chorus.text;

import java.util.List;
import java.util.Objects;

/**
 * Text ready for synthesis.
 *
 * <p>Offsets into {@code normalized} (chunk offsets, word timings) map back to the text the user wrote through
 * {@link #sourceStart(int)}, {@link #sourceEnd(int)} and {@link #sourceSpan(int, int)}: {@code "five dollars"}
 * read from {@code "$5"} maps to the whole of {@code "$5"}.
 *
 * @param normalized the whole input after normalization; chunk offsets point into it
 * @param chunks     the chunks in reading order; empty when the input has nothing to speak
 * @param mapping    {@code normalized} with, for each char, the range of the input it came from
 * @param phonemes   lexicon pronunciations for stretches of {@code normalized}, in order
 */
public record PreparedText(String normalized, List<TextChunk> chunks, MappedText mapping,
                           List<PhonemeSpan> phonemes) {

    /** Copies the lists so the record stays immutable and checks that the mapping is of {@code normalized}. */
    public PreparedText {
        Objects.requireNonNull(normalized, "normalized");
        Objects.requireNonNull(mapping, "mapping");
        if (!mapping.text().equals(normalized)) {
            throw new IllegalArgumentException("mapping: \"" + mapping.text()
                    + "\" (expected: a mapping of the normalized text \"" + normalized + "\")");
        }
        chunks = List.copyOf(chunks);
        phonemes = List.copyOf(phonemes);
    }

    /** Creates prepared text whose source is {@code normalized} itself, without pronunciations. */
    public PreparedText(String normalized, List<TextChunk> chunks) {
        this(normalized, chunks, MappedText.identity(Objects.requireNonNull(normalized, "normalized")), List.of());
    }

    /** Returns whether there is nothing to speak. */
    public boolean isEmpty() {
        return chunks.isEmpty();
    }

    /** Returns the text as the user wrote it, which the source offsets point into. */
    public String source() {
        return mapping.source();
    }

    /**
     * Returns where in the source the char at {@code normalizedOffset} came from; see
     * {@link MappedText#sourceStart}.
     */
    public int sourceStart(int normalizedOffset) {
        return mapping.sourceStart(normalizedOffset);
    }

    /**
     * Returns where in the source the text ending at {@code normalizedEndOffset} ends; see
     * {@link MappedText#sourceEnd}.
     */
    public int sourceEnd(int normalizedEndOffset) {
        return mapping.sourceEnd(normalizedEndOffset);
    }

    /** Returns the source range that {@code [start, end)} of {@code normalized} came from. */
    public Span sourceSpan(int start, int end) {
        return mapping.sourceSpan(start, end);
    }

    /** Returns the source range that {@code chunk} came from. */
    public Span sourceSpan(TextChunk chunk) {
        return mapping.sourceSpan(chunk.start(), chunk.end());
    }
}
