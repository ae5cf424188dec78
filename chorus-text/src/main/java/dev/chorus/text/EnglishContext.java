package dev.chorus.text;

import java.util.regex.MatchResult;

/**
 * The words and sentence edges around an offset of one English text, which the English readings look at to
 * choose how to read what stands there.
 *
 * <p>One instance serves one text on one thread.
 */
final class EnglishContext {

    private final String text;

    EnglishContext(String text) {
        this.text = text;
    }

    /** Returns the word of letters just before {@code i}, across one space, or {@code null}. */
    String wordBefore(int i) {
        int end = i;
        if (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        if (end > 0 && text.charAt(end - 1) == '.') {
            end--;
        }
        int start = end;
        while (start > 0 && Character.isLetter(text.charAt(start - 1))) {
            start--;
        }
        return start < end ? text.substring(start, end) : null;
    }

    /** Returns the word of letters that starts just after {@code i}, across one space, or {@code null}. */
    String wordAfter(int i) {
        int start = i < text.length() && text.charAt(i) == ' ' ? i + 1 : i;
        int end = start;
        while (end < text.length() && Character.isLetter(text.charAt(end))) {
            end++;
        }
        return start < end ? text.substring(start, end) : null;
    }

    /** Returns whether the text ends at {@code end} or a new sentence seems to start there. */
    boolean endsSentence(int end) {
        return end == text.length() || (text.charAt(end) == ' ' && end + 1 < text.length()
                && Character.isUpperCase(text.charAt(end + 1)));
    }

    /** Returns whether nothing but spaces stands between {@code i} and the start of the text or sentence. */
    boolean startsSentence(int i) {
        int j = i - 1;
        while (j >= 0 && text.charAt(j) == ' ') {
            j--;
        }
        return j < 0 || ".!?".indexOf(text.charAt(j)) >= 0;
    }

    /** Keeps the period of a final "a.m." or "U.S." that also ends the sentence. */
    String periodAfter(MatchResult m) {
        return m.group().endsWith(".") && endsSentence(m.end()) ? "." : "";
    }

    /**
     * Returns whether the quantity {@code [start, end)} describes the noun after it, as in "a 100 m sprint" or
     * "a $3 coffee": then its unit is said in the singular, "a one hundred meter sprint".
     */
    boolean attributive(int start, int end) {
        String before = wordBefore(start);
        if (before == null || !(before.equalsIgnoreCase("a") || before.equalsIgnoreCase("an"))
                || text.charAt(start - 1) != ' ') {
            return false;
        }
        String after = wordAfter(end);
        return after != null && end < text.length() && text.charAt(end) == ' '
                && Character.isLowerCase(after.charAt(0))
                && !EnglishCueTable.NOT_NOUNS_AFTER_AMOUNT.contains(after);
    }
}
