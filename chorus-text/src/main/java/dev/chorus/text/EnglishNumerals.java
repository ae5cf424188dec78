package dev.chorus.text;

import static dev.chorus.text.EnglishCueTable.COUNT_CUES;
import static dev.chorus.text.EnglishCueTable.ERAS;
import static dev.chorus.text.EnglishCueTable.ID_CUES;
import static dev.chorus.text.EnglishCueTable.NON_NOUNS;
import static dev.chorus.text.EnglishCueTable.ROMAN_CUES;
import static dev.chorus.text.EnglishCueTable.YEAR_CUES;

import java.util.Locale;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * English readings of numbers as numbers: plain, as a year or in pairs where the words around say so (see
 * {@link EnglishRules}), ordinals, fractions, scientific notation, "#5" and Roman numerals.
 *
 * <p>One instance serves one text on one thread.
 */
final class EnglishNumerals {

    private static final Pattern SCIENTIFIC = Pattern.compile("(\\d+)(?:\\.(\\d+))?[eE]([+-]?\\d{1,3})(?![\\w])");
    private static final Pattern ORDINAL = Pattern.compile("(\\d{1,15})(st|nd|rd|th|ST|ND|RD|TH)(?![\\w])");
    private static final Pattern FRACTION = Pattern.compile("(\\d{1,4})/(\\d{1,4})(?![\\w/]|[.,]\\d)");
    private static final Pattern ROMAN = Pattern.compile(
            "M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})");

    private final String text;
    private final TextMatcher matcher;
    private final EnglishContext context;

    EnglishNumerals(TextMatcher matcher, EnglishContext context) {
        this.text = matcher.text();
        this.matcher = matcher;
        this.context = context;
    }

    /** Reads a number as a number: sign, then integer or decimal. */
    static String plain(Num n) {
        String sign = switch (n.sign()) {
            case '-' -> "minus ";
            case '+' -> "plus ";
            default -> "";
        };
        return sign + EnglishNumbers.decimal(n.integer(), n.fraction());
    }

    /** Reads the range from {@code a} to {@code b}, as years when {@code contextual} and both look like years. */
    static String range(Num a, Num b, boolean contextual) {
        if (contextual && isYearLike(a) && b.isInteger() && !b.grouped()) {
            if (isYearLike(b)) {
                return EnglishNumbers.year(Integer.parseInt(a.integer())) + " to "
                        + EnglishNumbers.year(Integer.parseInt(b.integer()));
            }
            if (b.integer().length() == 2) {
                return EnglishNumbers.year(Integer.parseInt(a.integer())) + " to "
                        + EnglishDates.twoDigitYear(b.integer());
            }
        }
        return plain(a) + " to " + plain(b);
    }

    /** Reads a number alone: in pairs after a room or flight word, as a year where {@link EnglishRules} says. */
    String contextual(Num n) {
        String before = context.wordBefore(n.start());
        if (before != null && n.isInteger() && !n.grouped() && n.sign() == 0 && !n.leadingZero()
                && (n.integer().length() == 3 || n.integer().length() == 4)
                && ID_CUES.contains(before.toLowerCase(Locale.ROOT))) {
            return inPairs(Integer.parseInt(n.integer()));
        }
        if (isYearLike(n) && isYear(Integer.parseInt(n.integer()), n.start(), n.end())) {
            return EnglishNumbers.year(Integer.parseInt(n.integer()));
        }
        return plain(n);
    }

    /** Reads the number in scientific notation at {@code i}, "6.02e23", or returns {@code null}. */
    Reading scientific(int i) {
        return matcher.replace(SCIENTIFIC, i, m -> EnglishNumbers.decimal(m.group(1), m.group(2))
                + " times ten to the power of " + signed(m.group(3)));
    }

    /** Reads the ordinal at {@code i}, "22nd", or returns {@code null}. */
    Reading ordinal(int i) {
        return matcher.replace(ORDINAL, i, m -> EnglishNumbers.ordinal(Long.parseLong(m.group(1))));
    }

    /** Reads the fraction at {@code i}, "3/4" or "24/7", or returns {@code null}. */
    Reading fraction(int i) {
        return matcher.replace(FRACTION, i, EnglishNumerals::fraction);
    }

    /** Reads a whole number {@code a} and the proper fraction after it at {@code end}, "1 1/2", or returns null. */
    Reading mixedFraction(Num a, int end) {
        if (!a.isInteger() || a.grouped() || a.sign() != 0 || end >= text.length() || text.charAt(end) != ' ') {
            return null;
        }
        return matcher.replace(FRACTION, end + 1, m -> {
            long numerator = Long.parseLong(m.group(1));
            long denominator = Long.parseLong(m.group(2));
            if (numerator == 0 || numerator >= denominator) {
                return null;
            }
            return plain(a) + " and " + EnglishNumbers.fractionAfterWhole(numerator, denominator);
        });
    }

    /** Reads "#5" at {@code i} as "number five", or returns {@code null}. */
    Reading numberSign(int i) {
        Num n = Num.parse(text, i + 1, false);
        if (n != null && n.isInteger() && matcher.endsWord(n.end())) {
            return new Reading(n.end(), "number " + plain(n));
        }
        return null;
    }

    /**
     * Reads {@code word}, at {@code [i, end)}, as a Roman numeral where the word before calls for one: a
     * cardinal after "Chapter" or "War", an ordinal after a name ("Henry VIII"). Returns {@code null} otherwise.
     */
    Reading roman(int i, String word, int end) {
        if (!ROMAN.matcher(word).matches() || word.isEmpty()) {
            return null;
        }
        String before = context.wordBefore(i);
        if (before == null) {
            return null;
        }
        int value = romanValue(word);
        // "Part I" but not "in part I think": a lone I needs a capitalized cue.
        if (ROMAN_CUES.contains(before.toLowerCase(Locale.ROOT)) && text.charAt(i - 1) == ' '
                && (!word.equals("I") || Character.isUpperCase(before.charAt(0)))) {
            return new Reading(end, EnglishNumbers.cardinal(value));
        }
        boolean name = Character.isUpperCase(before.charAt(0)) && before.length() >= 2
                && before.substring(1).chars().allMatch(Character::isLowerCase) && text.charAt(i - 1) == ' ';
        if (name && word.length() >= 2 && word.chars().allMatch(ch -> ch == 'I' || ch == 'V' || ch == 'X')) {
            return new Reading(end, "the " + EnglishNumbers.ordinal(value));
        }
        return null;
    }

    private static String signed(String exponent) {
        if (exponent.startsWith("-")) {
            return "minus " + EnglishNumbers.integer(exponent.substring(1));
        }
        return EnglishNumbers.integer(exponent.startsWith("+") ? exponent.substring(1) : exponent);
    }

    private static String fraction(MatchResult m) {
        String special = switch (m.group()) {
            case "24/7" -> "twenty-four seven";
            case "9/11" -> "nine eleven";
            case "50/50" -> "fifty-fifty";
            default -> null;
        };
        if (special != null) {
            return special;
        }
        long numerator = Long.parseLong(m.group(1));
        long denominator = Long.parseLong(m.group(2));
        if (denominator < 2 || m.group(1).startsWith("0") || m.group(2).startsWith("0")) {
            return null;
        }
        return EnglishNumbers.fraction(numerator, denominator);
    }

    private static boolean isYearLike(Num n) {
        if (!n.isInteger() || n.grouped() || n.sign() != 0 || n.integer().length() != 4) {
            return false;
        }
        int value = Integer.parseInt(n.integer());
        return value >= 1000 && value <= 2099;
    }

    private boolean isYear(int value, int start, int end) {
        String after = context.wordAfter(end);
        if (after != null && ERAS.contains(after)) {
            return true;
        }
        String before = context.wordBefore(start);
        if (before != null) {
            String lower = before.toLowerCase(Locale.ROOT);
            if (YEAR_CUES.contains(lower)) {
                return true;
            }
            if (COUNT_CUES.contains(lower)) {
                return false;
            }
        }
        if (value < 1100) {
            return false;
        }
        return after == null || !Character.isLowerCase(after.charAt(0))
                || NON_NOUNS.contains(after.toLowerCase(Locale.ROOT));
    }

    /** Reads 305 as "three oh five", 1204 as "twelve oh four", the way room and flight numbers are said. */
    private static String inPairs(int value) {
        if (value >= 1000) {
            return EnglishNumbers.year(value);
        }
        int rest = value % 100;
        String first = EnglishNumbers.cardinal(value / 100);
        if (rest == 0) {
            return first + " hundred";
        }
        return first + (rest < 10 ? " oh " : " ") + EnglishNumbers.cardinal(rest);
    }

    private static int romanValue(String roman) {
        int total = 0;
        for (int k = 0; k < roman.length(); k++) {
            int value = romanDigit(roman.charAt(k));
            if (k + 1 < roman.length() && value < romanDigit(roman.charAt(k + 1))) {
                total -= value;
            } else {
                total += value;
            }
        }
        return total;
    }

    private static int romanDigit(char c) {
        return switch (c) {
            case 'I' -> 1;
            case 'V' -> 5;
            case 'X' -> 10;
            case 'L' -> 50;
            case 'C' -> 100;
            case 'D' -> 500;
            default -> 1000;
        };
    }
}
