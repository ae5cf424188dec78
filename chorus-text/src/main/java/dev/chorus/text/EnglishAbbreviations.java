package dev.chorus.text;

import static dev.chorus.text.EnglishAbbreviationTable.ALWAYS_TITLES;
import static dev.chorus.text.EnglishAbbreviationTable.CAPITALIZED_WORDS;
import static dev.chorus.text.EnglishAbbreviationTable.FINAL_ABBREVIATIONS;
import static dev.chorus.text.EnglishAbbreviationTable.INNER_ABBREVIATIONS;
import static dev.chorus.text.EnglishAbbreviationTable.NUMBER_ABBREVIATIONS;
import static dev.chorus.text.EnglishAbbreviationTable.TITLES;
import static dev.chorus.text.EnglishAbbreviationTable.WORD_ACRONYMS;

import java.util.Locale;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * English readings of abbreviations and acronyms: "Dr." is "Doctor" or "Drive", "St." "Saint" or "Street",
 * "No. 5" "number five", "e.g." "for example", "U.S." and "FBI" are spelled, "NASA" is said as a word. Capitals
 * in a sentence written all in capitals are loudness, not letters to spell.
 *
 * <p>One instance serves one text on one thread.
 */
final class EnglishAbbreviations {

    /**
     * Two or more letters, each with a period, read from the first: a long run of "a.a.a." is matched once, not
     * again from each letter in it, and without the stack a greedy group would take for each letter.
     */
    private static final Pattern DOTTED = Pattern.compile("(?<![A-Za-z]\\.)(?:[A-Za-z]\\.){2,}+(?![A-Za-z])");

    private final String text;
    private final TextMatcher matcher;
    private final EnglishContext context;
    private int shoutStart = -1;
    private int shoutEnd = -1;
    private boolean shouting;

    EnglishAbbreviations(TextMatcher matcher, EnglishContext context) {
        this.text = matcher.text();
        this.matcher = matcher;
        this.context = context;
    }

    /** Returns whether letters with periods, "U.S." or "e.g.", start at {@code i}. */
    boolean dottedAt(int i) {
        return matcher.at(DOTTED, i) != null;
    }

    /** Reads the letters with periods at {@code i}, or returns {@code null} when they stay as written. */
    Reading dotted(int i) {
        return matcher.read(DOTTED, i, this::lettersWithPeriods);
    }

    /**
     * Reads {@code word}, at {@code i}, and the period at {@code dot} after it as the abbreviation it is, or
     * returns {@code null}. A period that also ends the sentence is kept.
     */
    Reading abbreviation(int i, String word, int dot) {
        int end = dot + 1;
        String next = context.wordAfter(end);
        boolean nextCapital = next != null && Character.isUpperCase(next.charAt(0));
        boolean nextNumber = end + 1 < text.length() && text.charAt(end) == ' '
                && Num.isDigit(text.charAt(end + 1));
        String keep = context.endsSentence(end) ? "." : "";
        switch (word) {
            case "Dr" -> {
                return previousIsName(i) && !nextCapital ? new Reading(end, "Drive" + keep)
                        : new Reading(end, "Doctor");
            }
            case "St" -> {
                return nextCapital && !previousIsName(i) ? new Reading(end, "Saint")
                        : new Reading(end, "Street" + keep);
            }
            default -> {
            }
        }
        String title = TITLES.get(word);
        if (title != null && (nextCapital || ALWAYS_TITLES.contains(word))) {
            return new Reading(end, title);
        }
        String numbered = NUMBER_ABBREVIATIONS.get(word);
        if (numbered != null && nextNumber) {
            return new Reading(end, Character.isUpperCase(word.charAt(0)) && context.startsSentence(i)
                    ? capitalize(numbered) : numbered);
        }
        String inner = INNER_ABBREVIATIONS.get(word);
        if (inner != null) {
            return new Reading(end, inner);
        }
        String expansion = FINAL_ABBREVIATIONS.get(word);
        if (expansion != null) {
            return new Reading(end, expansion + keep);
        }
        return null;
    }

    /**
     * Reads {@code word}, at {@code [i, end)}, as an acronym: said as a word when it is one ("NASA"), else
     * spelled ("FBI", "FBIs"). Returns {@code null} for everyday words and for shouting.
     */
    Reading acronym(int i, String word, int end) {
        String core = word;
        boolean plural = false;
        if (core.length() >= 3 && core.endsWith("s")) {
            core = core.substring(0, core.length() - 1);
            plural = true;
        }
        if (!core.chars().allMatch(ch -> ch >= 'A' && ch <= 'Z')) {
            return null;
        }
        String spoken = WORD_ACRONYMS.get(core);
        if (spoken != null) {
            return new Reading(end, plural ? spoken + "s" : spoken);
        }
        boolean joined = (i > 0 && text.charAt(i - 1) == '&') || (end < text.length() && text.charAt(end) == '&');
        if (core.length() < 2 || core.length() > 5 || (CAPITALIZED_WORDS.contains(core) && !joined)
                || shouting(i)) {
            return null;
        }
        return new Reading(end, spell(core) + (plural ? "'s" : ""));
    }

    /** Spells letters one by one: "FBI" is "F B I". */
    private static String spell(String letters) {
        StringBuilder out = new StringBuilder(letters.length() * 2);
        for (int k = 0; k < letters.length(); k++) {
            if (k > 0) {
                out.append(' ');
            }
            out.append(letters.charAt(k));
        }
        return out.toString();
    }

    /**
     * Returns whether the sentence around {@code i} is written in capitals, where capitals mean loudness, not
     * letters to spell: at least three words of two letters or more, most of them all caps.
     */
    private boolean shouting(int i) {
        if (i >= shoutStart && i < shoutEnd) {
            return shouting;
        }
        int start = i;
        while (start > 0 && ".!?\n".indexOf(text.charAt(start - 1)) < 0) {
            start--;
        }
        int end = i;
        while (end < text.length() && ".!?\n".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        int words = 0;
        int capitals = 0;
        int k = start;
        while (k < end) {
            if (!Character.isLetter(text.charAt(k))) {
                k++;
                continue;
            }
            int wordStart = k;
            boolean upper = true;
            while (k < end && Character.isLetter(text.charAt(k))) {
                upper &= Character.isUpperCase(text.charAt(k));
                k++;
            }
            if (k - wordStart >= 2) {
                words++;
                if (upper) {
                    capitals++;
                }
            }
        }
        shoutStart = start;
        shoutEnd = Math.max(end, i + 1);
        shouting = capitals >= 3 && capitals * 2 > words;
        return shouting;
    }

    private Reading lettersWithPeriods(MatchResult m) {
        String letters = m.group().replace(".", "");
        String lower = letters.toLowerCase(Locale.ROOT);
        boolean capital = Character.isUpperCase(letters.charAt(0));
        String words = switch (lower) {
            case "eg" -> capital ? "For example" : "for example";
            case "ie" -> capital ? "That is" : "that is";
            case "am", "pm" -> lower.charAt(0) + " m" + context.periodAfter(m);
            default -> null;
        };
        if (words != null) {
            return new Reading(m.end(), words);
        }
        if (!letters.equals(letters.toUpperCase(Locale.ROOT))) {
            return null;
        }
        return new Reading(m.end(), spell(letters) + (m.end() == text.length() ? "." : ""));
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * Returns whether the word before {@code i} looks like part of a name or an address: a capitalized word
     * that does not start the sentence, or a number ("Main St.", "42nd St.").
     */
    private boolean previousIsName(int i) {
        if (i < 2 || text.charAt(i - 1) != ' ') {
            return false;
        }
        int end = i - 1;
        int start = end;
        while (start > 0 && Character.isLetterOrDigit(text.charAt(start - 1))) {
            start--;
        }
        if (start == end) {
            return false;
        }
        char first = text.charAt(start);
        if (Num.isDigit(first)) {
            return true;
        }
        return Character.isUpperCase(first) && end - start >= 2 && !context.startsSentence(start);
    }
}
