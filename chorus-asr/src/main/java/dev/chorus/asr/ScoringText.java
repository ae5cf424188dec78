package dev.chorus.asr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns text into the tokens a word error rate counts: lower case, punctuation dropped (an apostrophe inside a
 * word stays, so {@code don't} is one word; a hyphen splits), and each Han character a token of its own (Chinese
 * and Japanese are written without spaces, so their rate is a character error rate). Numbers are left as
 * written: score against verbalized text ("forty two"), which is what a voice says and a recognizer writes.
 */
public final class ScoringText {

    private ScoringText() {
    }

    /** Returns the tokens of {@code text}, in order; empty for blank text. */
    public static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); ) {
            int cp = lower.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN) {
                flush(word, out);
                out.add(new String(Character.toChars(cp)));
            } else if (Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK) {
                word.appendCodePoint(cp);
            } else if ((cp == '\'' || cp == '\u2019') && !word.isEmpty() && i < lower.length()
                    && Character.isLetter(lower.codePointAt(i))) {
                word.append('\'');
            } else {
                flush(word, out);
            }
        }
        flush(word, out);
        return out;
    }

    private static void flush(StringBuilder word, List<String> out) {
        if (!word.isEmpty()) {
            out.add(word.toString());
            word.setLength(0);
        }
    }
}
