package dev.chorus.tts;

/**
 * One custom pronunciation sent with a request: a word (or a regular expression) and how to say it, as replacement
 * text or as IPA phonemes.
 *
 * @param match   the word to match (whole word, ignoring case), or a Java regular expression when {@code regex}
 * @param regex   whether {@code match} is a regular expression
 * @param alias   the text to say instead, or {@code null} when {@code phoneme} is given
 * @param phoneme IPA phonemes to say (for voices that take phonemes; others say the word as written), or
 *                {@code null}
 */
public record Pronunciation(String match, boolean regex, String alias, String phoneme) {

    /** The longest {@code match} accepted, in characters. */
    public static final int MAX_MATCH_CHARS = 500;

    public Pronunciation {
        if (match == null || match.isBlank()) {
            throw new InvalidInputException("lexicon", "lexicon: empty match (expected: a word or a pattern)");
        }
        if (match.length() > MAX_MATCH_CHARS) {
            throw new InvalidInputException("lexicon", "lexicon: match of " + match.length()
                    + " characters (expected: <= " + MAX_MATCH_CHARS + ")");
        }
        if ((alias == null) == (phoneme == null)) {
            throw new InvalidInputException("lexicon", "lexicon: '" + match
                    + "' (expected: exactly one of alias and phoneme)");
        }
    }
}
