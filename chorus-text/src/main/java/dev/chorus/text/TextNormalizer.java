package dev.chorus.text;

import com.ibm.icu.text.FilteredNormalizer2;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.UnicodeSet;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cleans up text so that engines see one spelling of each character and one kind of space.
 *
 * <p>The steps, in order: control, format and zero-width characters are removed and every kind of whitespace
 * becomes a space; Unicode NFKC folds full-width and compatibility forms (so {@code "Ｈｉ１"} becomes
 * {@code "Hi1"} and {@code "，"} becomes {@code ","}, while {@code "。"} stays); curly quotes become straight
 * ones; dashes used as punctuation become a comma pause, dashes in ranges and compounds become hyphens; runs such
 * as {@code "!!!"} or {@code "?!?"} shrink to one mark; whitespace runs become one space and the ends are trimmed.
 * Letters and digits are never removed.
 */
public final class TextNormalizer {

    /**
     * NFKC, except for Thai and Lao SARA AM, which NFKC splits into two characters that Thai and Lao text never
     * uses.
     */
    private static final Normalizer2 NFKC = new FilteredNormalizer2(
            Normalizer2.getNFKCInstance(), new UnicodeSet("[^\\u0E33\\u0EB3]").freeze());

    /** Runs of marks that say no more than one mark does; "...." is kept as an ellipsis. */
    private static final Pattern REPEATED_PUNCTUATION =
            Pattern.compile("[!?]{2,}|\\.{4,}|\\.(?: \\.){2,}|([,;\u3001\u3002])\\1+");

    private static final Pattern SPACE_RUN = Pattern.compile(" {2,}");

    private TextNormalizer() {
    }

    /**
     * Normalizes {@code text} for synthesis; see the class description for the steps.
     *
     * @return the normalized text, empty when {@code text} has nothing but whitespace and invisible characters
     */
    public static String normalize(String text) {
        Objects.requireNonNull(text, "text");
        String s = removeInvisible(text);
        s = NFKC.normalize(s);
        s = mapCharacters(s);
        s = collapseSpaces(s);
        s = DashRewriter.rewrite(s);
        s = collapsePunctuation(s);
        return collapseSpaces(s).strip();
    }

    /** Drops characters that are never spoken and turns every kind of whitespace into a plain space. */
    private static String removeInvisible(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isSpace(cp)) {
                out.append(' ');
                continue;
            }
            switch (Character.getType(cp)) {
                // Cf holds the zero-width space, joiners, the BOM, soft hyphens and bidi marks.
                case Character.CONTROL, Character.FORMAT, Character.SURROGATE -> { }
                default -> out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    /** Maps quotes, hyphens and symbols that NFKC leaves alone to their ASCII forms. */
    private static String mapCharacters(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\u2018', '\u2019', '\u201A', '\u201B', '\u02BC' -> out.append('\'');
                case '\u201C', '\u201D', '\u201E', '\u201F' -> out.append('"');
                case '\u2010', '\u2011', '\u2012', '\u2043', '\u2212' -> out.append('-');
                case '\u2044' -> out.append('/');
                case '\u22EF' -> out.append("...");
                default -> out.append(isSpace(c) ? ' ' : c);
            }
        }
        return out.toString();
    }

    private static String collapsePunctuation(String s) {
        Matcher m = REPEATED_PUNCTUATION.matcher(s);
        return m.replaceAll(match -> {
            String run = match.group();
            char first = run.charAt(0);
            if (first == '!' || first == '?') {
                // A question that is also an exclamation is still read as a question.
                return run.indexOf('?') >= 0 ? "?" : "!";
            }
            if (first == '.') {
                return "...";
            }
            return String.valueOf(first);
        });
    }

    private static String collapseSpaces(String s) {
        return SPACE_RUN.matcher(s).replaceAll(" ");
    }
}
