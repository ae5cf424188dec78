package dev.chorus.asr;

import java.util.Objects;

/**
 * One word a recognizer heard.
 *
 * @param word        the word as the recognizer spells it (lower case for PocketSphinx's English model)
 * @param startMillis where the word starts in the audio, in milliseconds
 * @param endMillis   where it ends, in milliseconds ({@code >= startMillis})
 * @param confidence  the recognizer's posterior probability for the word, 0 to 1
 */
public record RecognizedWord(String word, long startMillis, long endMillis, double confidence) {

    public RecognizedWord {
        Objects.requireNonNull(word, "word");
        if (word.isBlank()) {
            throw new IllegalArgumentException("word: blank (expected: a word)");
        }
        if (startMillis < 0 || endMillis < startMillis) {
            throw new IllegalArgumentException("startMillis, endMillis: " + startMillis + ", " + endMillis
                    + " (expected: 0 <= start <= end)");
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence: " + confidence + " (expected: 0 to 1)");
        }
    }
}
