package dev.chorus.text;

import java.util.Objects;

/**
 * Per-request switches for {@link TextPipeline#prepare(String, java.util.Locale, PrepareOptions)}.
 *
 * @param normalize whether to rewrite numbers, money, dates, times, units, abbreviations, acronyms, URLs and
 *                  symbols into words; {@code false} keeps only the character cleanup of {@link TextNormalizer}
 * @param lexicon   pronunciations for this request, applied before the pipeline's own lexicon and before
 *                  the rewriting into words; {@link Lexicon#EMPTY} for none
 */
public record PrepareOptions(boolean normalize, Lexicon lexicon) {

    /** Rewriting into words on and no request lexicon, as {@link TextPipeline#prepare(String, java.util.Locale)}. */
    public static final PrepareOptions DEFAULT = new PrepareOptions(true, Lexicon.EMPTY);

    /** Checks that the lexicon is given. */
    public PrepareOptions {
        Objects.requireNonNull(lexicon, "lexicon");
    }

    /** Returns these options with {@code normalize} set. */
    public PrepareOptions withNormalize(boolean normalize) {
        return new PrepareOptions(normalize, lexicon);
    }

    /** Returns these options with {@code lexicon} as the request lexicon. */
    public PrepareOptions withLexicon(Lexicon lexicon) {
        return new PrepareOptions(normalize, lexicon);
    }
}
