package dev.chorus.text;

import java.util.Locale;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * English readings of dates, times of day and decades: "2026-11-25", "11/25/26", "25th of November",
 * "Nov. 25, 2026", "9:05 p.m.", "7pm", "the 1980s". The order of day and month follows {@link EnglishRules}.
 *
 * <p>One instance serves one text on one thread.
 */
final class EnglishDates {

    private static final Pattern DATE_ISO = Pattern.compile(
            "(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})(?![\\w]|[-/.]\\d)");
    private static final Pattern DATE_NUMERIC = Pattern.compile(
            "(\\d{1,2})([-/.])(\\d{1,2})\\2(\\d{4}|\\d{2})(?![\\w]|[-/.]\\d)");
    private static final Pattern DAY_MONTH = Pattern.compile(
            "(\\d{1,2})(?:st|nd|rd|th)? (?:of )?(" + EnglishMonthTable.NAMES + ")\\.?(?:,? (\\d{4}))?(?![\\w])");
    private static final Pattern MONTH_DAY = Pattern.compile(
            "(" + EnglishMonthTable.NAMES + ")\\.? (\\d{1,2})(?:st|nd|rd|th)?(?:,? (\\d{4}))?(?![\\w])");
    private static final Pattern MONTH_YEAR = Pattern.compile(
            "(" + EnglishMonthTable.NAMES + ")\\.?,? (\\d{4})(?![\\w])");
    private static final Pattern TIME = Pattern.compile(
            "(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?: ?([aApP])\\.?[mM](?:\\.|(?![A-Za-z])))?(?![\\w]|:\\d)");
    private static final Pattern HOUR_MERIDIEM = Pattern.compile(
            "(\\d{1,2}) ?([aApP])\\.?[mM](?:\\.|(?![A-Za-z]))");
    private static final Pattern DECADE = Pattern.compile("'?(\\d{1,3}0)'?s(?![\\w'])");

    private final TextMatcher matcher;
    private final EnglishContext context;
    private final boolean dayFirst;

    EnglishDates(TextMatcher matcher, EnglishContext context, Locale locale) {
        this.matcher = matcher;
        this.context = context;
        this.dayFirst = EnglishNumbers.dayFirst(locale);
    }

    /**
     * Reads the date or time that starts with the digits at {@code i}: an ISO or numeric date, a day before a
     * month name, a time, an hour with a.m. or p.m. Returns {@code null} when none is there.
     */
    Reading digitsFirst(int i) {
        Reading r;
        if ((r = matcher.read(DATE_ISO, i, this::isoDate)) != null
                || (r = matcher.read(DATE_NUMERIC, i, this::numericDate)) != null
                || (r = matcher.replace(DAY_MONTH, i, this::dayMonth)) != null
                || (r = matcher.replace(TIME, i, this::time)) != null
                || (r = matcher.replace(HOUR_MERIDIEM, i, this::hour)) != null) {
            return r;
        }
        return null;
    }

    /** Reads the date at {@code i} that starts with {@code word}, a capitalized month name, or returns null. */
    Reading monthFirst(int i, String word) {
        if (!EnglishMonthTable.isMonth(word) || !Character.isUpperCase(word.charAt(0))) {
            return null;
        }
        Reading r;
        if ((r = matcher.replace(MONTH_DAY, i, EnglishDates::monthDay)) != null
                || (r = matcher.replace(MONTH_YEAR, i, EnglishDates::monthYear)) != null) {
            return r;
        }
        return null;
    }

    /** Reads the decade at {@code i}, "1980s" or "'80s", or returns {@code null}. */
    Reading decade(int i) {
        return matcher.replace(DECADE, i, EnglishDates::decade);
    }

    /** Reads a year written with two digits: "oh five", "ninety-nine". */
    static String twoDigitYear(String digits) {
        return digits.charAt(0) == '0' ? "oh " + EnglishNumbers.cardinal(digits.charAt(1) - '0')
                : EnglishNumbers.cardinal(Integer.parseInt(digits));
    }

    private Reading isoDate(MatchResult m) {
        int year = Integer.parseInt(m.group(1));
        int month = Integer.parseInt(m.group(3));
        int day = Integer.parseInt(m.group(4));
        if (!DateFields.isValid(month, day)) {
            return null;
        }
        return new Reading(m.end(), EnglishNumbers.date(year, month, day, null, dayFirst));
    }

    private Reading numericDate(MatchResult m) {
        String separator = m.group(2);
        String yearText = m.group(4);
        if (yearText.length() == 2 && !separator.equals("/")) {
            return null;
        }
        int a = Integer.parseInt(m.group(1));
        int b = Integer.parseInt(m.group(3));
        int month;
        int day;
        if (a > 12 || (dayFirst && b <= 12) || separator.equals(".")) {
            day = a;
            month = b;
        } else {
            month = a;
            day = b;
        }
        if (!DateFields.isValid(month, day)) {
            return null;
        }
        int year = Integer.parseInt(yearText);
        String yearWords = yearText.length() == 2 ? twoDigitYear(yearText) : null;
        return new Reading(m.end(), EnglishNumbers.date(year, month, day, yearWords, dayFirst));
    }

    private String dayMonth(MatchResult m) {
        int day = Integer.parseInt(m.group(1));
        if (day < 1 || day > 31) {
            return null;
        }
        int year = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
        return EnglishNumbers.date(year, EnglishMonthTable.number(m.group(2)), day, null, true)
                + context.periodAfter(m);
    }

    private static String monthDay(MatchResult m) {
        int day = Integer.parseInt(m.group(2));
        if (day < 1 || day > 31) {
            return null;
        }
        int year = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
        return EnglishNumbers.date(year, EnglishMonthTable.number(m.group(1)), day, null, false);
    }

    private static String monthYear(MatchResult m) {
        return EnglishNumbers.date(Integer.parseInt(m.group(2)), EnglishMonthTable.number(m.group(1)), -1, null,
                false);
    }

    private String time(MatchResult m) {
        int hour = Integer.parseInt(m.group(1));
        int minute = Integer.parseInt(m.group(2));
        int second = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
        String meridiem = m.group(4) == null ? null : meridiem(m.group(4));
        if (minute > 59 || second > 59 || hour > 24 || (meridiem != null && (hour < 1 || hour > 12))) {
            return null;
        }
        return EnglishNumbers.time(hour, minute, second, meridiem) + context.periodAfter(m);
    }

    private String hour(MatchResult m) {
        int hour = Integer.parseInt(m.group(1));
        if (hour < 1 || hour > 12) {
            return null;
        }
        return EnglishNumbers.time(hour, 0, -1, meridiem(m.group(2))) + context.periodAfter(m);
    }

    private static String meridiem(String letter) {
        return Character.toLowerCase(letter.charAt(0)) == 'a' ? "a m" : "p m";
    }

    private static String decade(MatchResult m) {
        String digits = m.group(1);
        int value = Integer.parseInt(digits);
        if (digits.length() == 2 && value >= 10) {
            return EnglishNumbers.pluralize(EnglishNumbers.cardinal(value));
        }
        if (digits.length() == 4 && value >= 1000 && value <= 2090 && !m.group().startsWith("'")) {
            return EnglishNumbers.pluralize(EnglishNumbers.year(value));
        }
        return null;
    }
}
