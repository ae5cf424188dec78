package dev.chorus.text;

import java.util.List;
import java.util.Objects;

/**
 * Text ready for synthesis.
 *
 * @param normalized the whole input after normalization; chunk offsets point into it
 * @param chunks     the chunks in reading order; empty when the input has nothing to speak
 */
public record PreparedText(String normalized, List<TextChunk> chunks) {

    /** Copies the chunk list so the record stays immutable. */
    public PreparedText {
        Objects.requireNonNull(normalized, "normalized");
        chunks = List.copyOf(chunks);
    }

    /** Returns whether there is nothing to speak. */
    public boolean isEmpty() {
        return chunks.isEmpty();
    }
}
