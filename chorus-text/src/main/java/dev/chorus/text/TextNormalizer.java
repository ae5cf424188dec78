package dev.chorus.text;

import com.ibm.icu.text.FilteredNormalizer2;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.UnicodeSet;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Cleans up text so that engines see one spelling of each character and one kind of space.
 *
 * <p>The steps, in order: control, format and zero-width characters are removed and every kind of whitespace
 * becomes a space; Unicode NFKC folds full-width and compatibility forms (so {@code "Ｈｉ１"} becomes
 * {@code "Hi1"} and {@code "，"} becomes {@code ","}, while {@code "。"} stays); curly quotes become straight
 * ones; dashes used as punctuation become a comma pause, dashes in ranges and compounds become hyphens; runs such
 * as {@code "!!!"} or {@code "?!?"} shrink to one mark; whitespace runs become one space and the ends are trimmed.
 * Letters and digits are never removed. {@link #normalizeMapped(String)} also tells, for each char of the result,
 * where in the input it came from.
 *
 * <p>This is the character cleanup only; {@link TextPipeline} also reads numbers and abbreviations out.
 */
public final class TextNormalizer {

    /**
     * NFKC, except for Thai and Lao SARA AM, which NFKC splits into two characters that Thai and Lao text never
     * uses.
     */
    private static final Normalizer2 NFKC = new FilteredNormalizer2(
            Normalizer2.getNFKCInstance(), new UnicodeSet("[^\\u0E33\\u0EB3]").freeze());

    /**
     * Runs of marks that say no more than one mark does; "...." is kept as an ellipsis. The run of spaced dots
     * is possessive: a greedy group recurses once per dot, and a long run of them overflowed the stack.
     */
    private static final Pattern REPEATED_PUNCTUATION =
            Pattern.compile("[!?]{2,}|\\.{4,}|\\.(?: \\.){2,}+|([,;\u3001\u3002])\\1+");

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
        return clean(MappedText.identity(text)).text();
    }

    /**
     * Normalizes {@code text} like {@link #normalize(String)}, remembering where each char of the result came
     * from in {@code text}.
     */
    public static MappedText normalizeMapped(String text) {
        Objects.requireNonNull(text, "text");
        return clean(MappedText.identity(text));
    }

    /** Normalizes {@code text}, keeping its mapping to its source. */
    static MappedText clean(MappedText text) {
        MappedText s = removeInvisible(text);
        s = nfkc(s);
        s = mapCharacters(s);
        s = collapseSpaces(s);
        s = DashRewriter.rewrite(s);
        s = collapsePunctuation(s);
        return collapseSpaces(s).strip();
    }

    /** Drops characters that are never spoken and turns every kind of whitespace into a plain space. */
    private static MappedText removeInvisible(MappedText in) {
        String text = in.text();
        MappedText.Builder out = new MappedText.Builder(in.source(), text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isSpace(cp)) {
                out.replace(in, i, next, " ");
            } else {
                switch (Character.getType(cp)) {
                    // Cf holds the zero-width space, joiners, the BOM, soft hyphens and bidi marks.
                    case Character.CONTROL, Character.FORMAT, Character.SURROGATE -> { }
                    default -> out.copy(in, i, next);
                }
            }
            i = next;
        }
        return out.build();
    }

    /**
     * Applies NFKC one normalization segment at a time, so that each segment's result maps to the segment's
     * source.
     */
    private static MappedText nfkc(MappedText in) {
        String text = in.text();
        int done = NFKC.spanQuickCheckYes(text);
        if (done == text.length()) {
            return in;
        }
        // The char before the first unchecked one may combine with it: start the segment at a boundary.
        while (done > 0 && !NFKC.hasBoundaryBefore(text.codePointAt(done))) {
            done = text.offsetByCodePoints(done, -1);
        }
        MappedText.Builder out = new MappedText.Builder(in.source(), text.length() + 16);
        out.copy(in, 0, done);
        int segmentStart = done;
        for (int i = done; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (next == text.length() || NFKC.hasBoundaryBefore(text.codePointAt(next))) {
                String segment = text.substring(segmentStart, next);
                String normalized = NFKC.normalize(segment);
                if (normalized.equals(segment)) {
                    out.copy(in, segmentStart, next);
                } else {
                    out.replace(in, segmentStart, next, normalized);
                }
                segmentStart = next;
            }
            i = next;
        }
        return out.build();
    }

    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    /** Maps quotes, hyphens and symbols that NFKC leaves alone to their ASCII forms. */
    private static MappedText mapCharacters(MappedText in) {
        String s = in.text();
        MappedText.Builder out = new MappedText.Builder(in.source(), s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String replacement = switch (c) {
                case '\u2018', '\u2019', '\u201A', '\u201B', '\u02BC' -> "'";
                case '\u201C', '\u201D', '\u201E', '\u201F' -> "\"";
                case '\u2010', '\u2011', '\u2012', '\u2043', '\u2212' -> "-";
                case '\u2044' -> "/";
                case '\u22EF' -> "...";
                default -> isSpace(c) && c != ' ' ? " " : null;
            };
            if (replacement == null) {
                out.copy(in, i, i + 1);
            } else {
                out.replace(in, i, i + 1, replacement);
            }
        }
        return out.build();
    }

    private static MappedText collapsePunctuation(MappedText s) {
        return s.replaceAll(REPEATED_PUNCTUATION, match -> {
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

    private static MappedText collapseSpaces(MappedText s) {
        return s.replaceAll(SPACE_RUN, match -> " ");
    }
}
