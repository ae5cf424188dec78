package dev.chorus.tts;

import java.util.List;
import java.util.Locale;

/**
 * How a request's text is read.
 *
 * @param format    whether the input is plain text, SSML, or decided from its first characters
 * @param normalize whether numbers, money, dates, abbreviations and symbols are turned into words; when off, only
 *                  the characters are cleaned up
 * @param lexicon   custom pronunciations for this request, applied before the configured lexicons
 */
public record TextOptions(Format format, boolean normalize, List<Pronunciation> lexicon) {

    /** The most pronunciations one request may carry. */
    public static final int MAX_LEXICON_ENTRIES = 200;

    private static final TextOptions DEFAULTS = new TextOptions(Format.AUTO, true, List.of());

    /** How the input is written. */
    public enum Format {
        /** SSML when the input starts with {@code <speak}, else plain text. */
        AUTO,
        /** Plain text, never parsed as markup. */
        TEXT,
        /** An SSML document. */
        SSML;

        /** Parses {@code auto}, {@code text} or {@code ssml}, ignoring case. */
        public static Format parse(String name) {
            String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
            for (Format f : values()) {
                if (f.name().equals(n) || (f == TEXT && n.equals("PLAIN"))) {
                    return f;
                }
            }
            throw new InvalidInputException("input_format", "input_format: '" + name
                    + "' (expected one of: auto, text, ssml)");
        }
    }

    public TextOptions {
        format = format == null ? Format.AUTO : format;
        lexicon = lexicon == null ? List.of() : List.copyOf(lexicon);
        if (lexicon.size() > MAX_LEXICON_ENTRIES) {
            throw new InvalidInputException("lexicon", "lexicon: " + lexicon.size() + " entries (expected: <= "
                    + MAX_LEXICON_ENTRIES + ")");
        }
    }

    /** Returns the defaults: format decided from the input, normalization on, no lexicon. */
    public static TextOptions defaults() {
        return DEFAULTS;
    }
}
