package dev.chorus.onnx.speech;

import dev.chorus.tts.spi.Phonemizer;

import java.util.ArrayList;
import java.util.List;

/** Groups a phonemizer's clauses into sentences of IPA: a clause ending in {@code .}, {@code ?} or {@code !} ends one. */
public final class PhonemeSentences {

    private PhonemeSentences() {
    }

    /** Returns the sentences, each its clauses' phonemes and punctuation joined by spaces; empty clauses dropped. */
    public static List<String> of(List<Phonemizer.PhonemeClause> clauses) {
        List<String> sentences = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (Phonemizer.PhonemeClause c : clauses) {
            String clause = (c.phonemes().strip() + c.punctuation()).strip();
            if (clause.isEmpty()) {
                continue;
            }
            current.append(current.isEmpty() ? "" : " ").append(clause);
            if (c.punctuation().matches(".*[.?!].*")) {
                sentences.add(current.toString());
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            sentences.add(current.toString());
        }
        return sentences;
    }
}
