package dev.chorus.text;

import static dev.chorus.text.EnglishUnitTable.ATTACHED_ONLY;
import static dev.chorus.text.EnglishUnitTable.UNITS;

import dev.chorus.text.EnglishUnitTable.Unit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * English readings of quantities: a number with what follows it (a range, a percent sign, a unit, a currency
 * code, a fraction), and sizes and factors such as "1920x1080", "3x" and 5'11".
 *
 * <p>One instance serves one text on one thread.
 */
final class EnglishQuantities {

    private static final Pattern DIMENSIONS = Pattern.compile("(\\d{1,6})[x\u00D7](\\d{1,6})(?![\\w])");
    private static final Pattern TIMES = Pattern.compile("(\\d{1,6})(?:\\.(\\d+))?x(?![\\w])");
    private static final Pattern FEET_INCHES = Pattern.compile("(\\d{1,2})'(\\d{1,2})(?:\"|'')(?![\\w])");

    private final String text;
    private final TextMatcher matcher;
    private final EnglishContext context;
    private final EnglishNumerals numerals;
    private final EnglishMoney money;

    EnglishQuantities(TextMatcher matcher, EnglishContext context, EnglishNumerals numerals, EnglishMoney money) {
        this.text = matcher.text();
        this.matcher = matcher;
        this.context = context;
        this.numerals = numerals;
        this.money = money;
    }

    /** Reads the size or factor at {@code i}: "1920x1080", "2.5x", 5'11". Returns {@code null} when none. */
    Reading measure(int i) {
        Reading r;
        if ((r = matcher.replace(DIMENSIONS, i, EnglishQuantities::dimensions)) != null
                || (r = matcher.replace(TIMES, i, EnglishQuantities::times)) != null
                || (r = matcher.replace(FEET_INCHES, i, EnglishQuantities::feetAndInches)) != null) {
            return r;
        }
        return null;
    }

    /** Reads the number at {@code i} with what follows it: a range, a percent sign, a unit, a currency code. */
    Reading quantity(int i) {
        char c = text.charAt(i);
        Num a = Num.parse(text, i, c == '-' || c == '+');
        if (a == null) {
            return null;
        }
        int end = a.end();
        Num b = null;
        if (end + 1 < text.length() && text.charAt(end) == '-' && Num.isDigit(text.charAt(end + 1))) {
            b = Num.parse(text, end + 1, false);
            end = b.end();
        }
        String suffix = null;
        Unit unit = null;
        int space = end < text.length() && text.charAt(end) == ' ' ? end + 1 : end;
        if (space < text.length() && text.charAt(space) == '%') {
            suffix = "percent";
            end = space + 1;
            if (b == null && end + 1 < text.length() && text.charAt(end) == '-'
                    && Num.isDigit(text.charAt(end + 1))) {
                Num upper = Num.parse(text, end + 1, false);
                if (upper.end() < text.length() && text.charAt(upper.end()) == '%') {
                    b = upper;
                    end = upper.end() + 1;
                }
            }
        } else {
            unit = unitAt(end);
            if (unit != null) {
                end = unit.symbol().length() + (text.charAt(end) == ' ' ? end + 1 : end);
            } else if (b == null) {
                Reading amount = money.after(a, end);
                if (amount != null) {
                    return amount;
                }
                Reading mixed = numerals.mixedFraction(a, end);
                if (mixed != null) {
                    return mixed;
                }
            }
        }
        if (!matcher.endsWord(end)) {
            return null;
        }
        if (unit != null) {
            suffix = (b == null && a.isOne()) || context.attributive(i, end) ? unit.singular() : unit.plural();
        }
        String words;
        if (b != null) {
            words = EnglishNumerals.range(a, b, suffix == null);
        } else if (suffix == null) {
            words = numerals.contextual(a);
        } else {
            words = EnglishNumerals.plain(a);
        }
        return new Reading(end, suffix == null ? words : words + " " + suffix);
    }

    private static String dimensions(MatchResult m) {
        return EnglishNumbers.integer(m.group(1)) + " by " + EnglishNumbers.integer(m.group(2));
    }

    private static String times(MatchResult m) {
        return EnglishNumbers.decimal(m.group(1), m.group(2)) + " times";
    }

    private static String feetAndInches(MatchResult m) {
        return EnglishNumbers.integer(m.group(1)) + " foot " + EnglishNumbers.integer(m.group(2));
    }

    /** Returns the unit at {@code end} (after at most one space), or null. */
    private Unit unitAt(int end) {
        if (end >= text.length()) {
            return null;
        }
        boolean spaced = text.charAt(end) == ' ';
        int start = spaced ? end + 1 : end;
        for (Unit unit : UNITS) {
            String symbol = unit.symbol();
            if (text.startsWith(symbol, start) && matcher.endsWord(start + symbol.length())
                    && !(spaced && ATTACHED_ONLY.contains(symbol))) {
                return unit;
            }
        }
        return null;
    }
}
