package dev.chorus.tts.spi;

import java.util.List;

/**
 * Turns text into IPA phonemes, one entry per clause, for engines (such as neural voices) that take phonemes.
 * Implementations are thread-safe.
 */
public interface Phonemizer {

    /**
     * Phonemizes {@code text} in the given language.
     *
     * @param language a voice name or BCP-47 tag the phonemizer knows, e.g. {@code en-us}
     * @return the clauses in order; each keeps the punctuation that ended it
     */
    List<PhonemeClause> phonemize(String text, String language);

    /**
     * One clause's phonemes.
     *
     * @param phonemes    IPA phonemes, words separated by spaces, with stress marks
     * @param punctuation the punctuation that ended the clause ({@code ","}, {@code "."}, {@code "?"}, ...), or
     *                    an empty string when the clause ended without punctuation
     */
    record PhonemeClause(String phonemes, String punctuation) {
    }
}
