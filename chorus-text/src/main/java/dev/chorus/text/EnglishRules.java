package dev.chorus.text;

import static dev.chorus.text.EnglishAbbreviationTable.ALWAYS_TITLES;
import static dev.chorus.text.EnglishAbbreviationTable.CAPITALIZED_WORDS;
import static dev.chorus.text.EnglishAbbreviationTable.FINAL_ABBREVIATIONS;
import static dev.chorus.text.EnglishAbbreviationTable.INNER_ABBREVIATIONS;
import static dev.chorus.text.EnglishAbbreviationTable.NUMBER_ABBREVIATIONS;
import static dev.chorus.text.EnglishAbbreviationTable.TITLES;
import static dev.chorus.text.EnglishAbbreviationTable.WORD_ACRONYMS;
import static dev.chorus.text.EnglishCueTable.COUNT_CUES;
import static dev.chorus.text.EnglishCueTable.ERAS;
import static dev.chorus.text.EnglishCueTable.ID_CUES;
import static dev.chorus.text.EnglishCueTable.NON_NOUNS;
import static dev.chorus.text.EnglishCueTable.NOT_NOUNS_AFTER_AMOUNT;
import static dev.chorus.text.EnglishCueTable.ROMAN_CUES;
import static dev.chorus.text.EnglishCueTable.YEAR_CUES;
import static dev.chorus.text.EnglishCurrencyTable.CODES;
import static dev.chorus.text.EnglishCurrencyTable.DOLLAR;
import static dev.chorus.text.EnglishCurrencyTable.DOLLAR_PREFIXES;
import static dev.chorus.text.EnglishCurrencyTable.SCALES;
import static dev.chorus.text.EnglishCurrencyTable.SCALE_WORDS;
import static dev.chorus.text.EnglishCurrencyTable.SYMBOLS;
import static dev.chorus.text.EnglishUnitTable.ATTACHED_ONLY;
import static dev.chorus.text.EnglishUnitTable.UNITS;

import dev.chorus.text.EnglishCurrencyTable.Currency;
import dev.chorus.text.EnglishUnitTable.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * English readings, tried at the start of a token of {@link Verbalizer}'s text.
 *
 * <p>Year or number: a four-digit number without a comma is read as a year ("nineteen eighty-four") when it
 * lies in 1100-2099 (1000-2099 after a year word), unless a word that names what is counted follows it
 * ({@code "1984 people"}) or a word that introduces a count or an identifier precedes it ({@code "page 1234"});
 * a year word before it ({@code in}, {@code since}, {@code by}, a month...) always makes it a year. Other
 * numbers are cardinals.
 *
 * <p>Dates written with numbers follow the locale: month first in the US and by default, day first in the UK,
 * Ireland, Australia and other day-first regions; a first number above 12 is a day anywhere. They are said
 * "November twenty-fifth, twenty twenty-six", or "the twenty-fifth of November, twenty twenty-six" in day-first
 * regions. Dates written with a month name are said in the order they are written.
 *
 * <p>One instance serves one text on one thread.
 */
final class EnglishRules {

    private static final Pattern PHONE_NANP = Pattern.compile(
            "(?:\\+1[ .-]?|1[ .-])?(?:\\(\\d{3}\\) ?|\\d{3}[ .-])\\d{3}[ .-]\\d{4}(?![\\w])");
    private static final Pattern PHONE_INTL = Pattern.compile(
            "\\+\\d{1,3}(?:[ .-]\\(?\\d{1,4}\\)?){2,5}(?![\\w])");
    private static final Pattern PHONE_LOCAL = Pattern.compile("\\d{3}-\\d{4}(?![\\w]|-\\d)");
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
    private static final Pattern SCIENTIFIC = Pattern.compile("(\\d+)(?:\\.(\\d+))?[eE]([+-]?\\d{1,3})(?![\\w])");
    private static final Pattern DIMENSIONS = Pattern.compile("(\\d{1,6})[x\u00D7](\\d{1,6})(?![\\w])");
    private static final Pattern TIMES = Pattern.compile("(\\d{1,6})(?:\\.(\\d+))?x(?![\\w])");
    private static final Pattern FEET_INCHES = Pattern.compile("(\\d{1,2})'(\\d{1,2})(?:\"|'')(?![\\w])");
    private static final Pattern DECADE = Pattern.compile("'?(\\d{1,3}0)'?s(?![\\w'])");
    private static final Pattern ORDINAL = Pattern.compile("(\\d{1,15})(st|nd|rd|th|ST|ND|RD|TH)(?![\\w])");
    private static final Pattern FRACTION = Pattern.compile("(\\d{1,4})/(\\d{1,4})(?![\\w/]|[.,]\\d)");
    private static final Pattern URL = Pattern.compile(
            "(?i:https?://|ftp://|www\\.)[^\\s<>\"'(){}\\[\\]]+");
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}(?![\\w])");
    private static final Pattern DOMAIN = Pattern.compile(
            "[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.(?:com|org|net|edu|gov|io|dev|ai|app|info|biz)"
                    + "(?:/[^\\s<>\"'(){}\\[\\]]*)?(?![\\w])", Pattern.CASE_INSENSITIVE);
    private static final Pattern DOTTED = Pattern.compile("(?:[A-Za-z]\\.){2,}(?![A-Za-z])");
    private static final Pattern ROMAN = Pattern.compile(
            "M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})");

    private final String text;
    private final boolean dayFirst;
    private final TextMatcher matcher;
    private int shoutStart = -1;
    private int shoutEnd = -1;
    private boolean shouting;

    EnglishRules(String text, Locale locale) {
        this.text = text;
        this.matcher = new TextMatcher(text);
        this.dayFirst = EnglishNumbers.dayFirst(locale);
    }

    private Matcher at(Pattern pattern, int i) {
        return matcher.at(pattern, i);
    }

    // ---------------------------------------------------------------- numbers

    /** Reads the number, money, date, time or phone number at {@code i}, or returns {@code null}. */
    Reading number(int i) {
        char c = text.charAt(i);
        Reading r;
        if (c == '+' || c == '(' || Num.isDigit(c)) {
            r = phone(i);
            if (r != null || c == '(') {
                return r;
            }
        }
        if (Num.isDigit(c)) {
            r = digitsFirst(i);
            if (r != null) {
                return r;
            }
        }
        if (c == '\'') {
            Matcher m = at(DECADE, i);
            return m == null ? null : decade(m);
        }
        if (SYMBOLS.containsKey(c) || (c == '-' && i + 1 < text.length() && SYMBOLS.containsKey(text.charAt(i + 1)))) {
            return money(i);
        }
        if (c == '#') {
            Num n = Num.parse(text, i + 1, false);
            if (n != null && n.isInteger() && endsWord(n.end())) {
                return new Reading(n.end(), "number " + plain(n));
            }
            return null;
        }
        if (c == '~') {
            Reading q = quantity(i + 1);
            return q == null ? null : new Reading(q.end(), "about " + q.text());
        }
        return quantity(i);
    }

    private Reading digitsFirst(int i) {
        Matcher m;
        if ((m = at(DATE_ISO, i)) != null) {
            Reading r = isoDate(m);
            if (r != null) {
                return r;
            }
        }
        if ((m = at(DATE_NUMERIC, i)) != null) {
            Reading r = numericDate(m);
            if (r != null) {
                return r;
            }
        }
        if ((m = at(DAY_MONTH, i)) != null) {
            int day = Integer.parseInt(m.group(1));
            if (day >= 1 && day <= 31) {
                int year = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
                return new Reading(m.end(), EnglishNumbers.date(year, month(m.group(2)), day, null, true)
                        + periodAfter(m));
            }
        }
        if ((m = at(TIME, i)) != null) {
            Reading r = time(m);
            if (r != null) {
                return r;
            }
        }
        if ((m = at(HOUR_MERIDIEM, i)) != null) {
            int hour = Integer.parseInt(m.group(1));
            if (hour >= 1 && hour <= 12) {
                return new Reading(m.end(), EnglishNumbers.time(hour, 0, -1, meridiem(m.group(2)))
                        + periodAfter(m));
            }
        }
        if ((m = at(SCIENTIFIC, i)) != null) {
            String mantissa = EnglishNumbers.decimal(m.group(1), m.group(2));
            return new Reading(m.end(), mantissa + " times ten to the power of " + signed(m.group(3)));
        }
        if ((m = at(DIMENSIONS, i)) != null) {
            return new Reading(m.end(), EnglishNumbers.integer(m.group(1)) + " by "
                    + EnglishNumbers.integer(m.group(2)));
        }
        if ((m = at(TIMES, i)) != null) {
            return new Reading(m.end(), EnglishNumbers.decimal(m.group(1), m.group(2)) + " times");
        }
        if ((m = at(FEET_INCHES, i)) != null) {
            return new Reading(m.end(), EnglishNumbers.integer(m.group(1)) + " foot "
                    + EnglishNumbers.integer(m.group(2)));
        }
        if ((m = at(DECADE, i)) != null) {
            Reading r = decade(m);
            if (r != null) {
                return r;
            }
        }
        if ((m = at(ORDINAL, i)) != null) {
            return new Reading(m.end(), EnglishNumbers.ordinal(Long.parseLong(m.group(1))));
        }
        if ((m = at(FRACTION, i)) != null) {
            return fraction(m);
        }
        return null;
    }

    private static String signed(String exponent) {
        if (exponent.startsWith("-")) {
            return "minus " + EnglishNumbers.integer(exponent.substring(1));
        }
        return EnglishNumbers.integer(exponent.startsWith("+") ? exponent.substring(1) : exponent);
    }

    private Reading phone(int i) {
        Matcher m = at(PHONE_NANP, i);
        if (m == null) {
            m = at(PHONE_INTL, i);
            if (m != null && digitCount(m.group()) < 8) {
                m = null;
            }
        }
        if (m == null && Num.isDigit(text.charAt(i))) {
            m = at(PHONE_LOCAL, i);
        }
        return m == null ? null : new Reading(m.end(), phoneWords(m.group(), false));
    }

    static int digitCount(String s) {
        int count = 0;
        for (int i = 0; i < s.length(); i++) {
            if (Num.isDigit(s.charAt(i))) {
                count++;
            }
        }
        return count;
    }

    /**
     * Reads a phone number digit by digit, its groups separated by commas: {@code +1 (555) 123-4567} is
     * "plus one, five five five, one two three, four five six seven".
     */
    static String phoneWords(String number, boolean chinese) {
        List<String> groups = new ArrayList<>();
        StringBuilder group = new StringBuilder();
        for (int i = 0; i <= number.length(); i++) {
            char c = i < number.length() ? number.charAt(i) : ' ';
            if (Num.isDigit(c)) {
                group.append(c);
            } else if (c == '+') {
                groups.add(chinese ? "加" : "plus");
            } else if (!group.isEmpty()) {
                String digits = group.toString();
                String spoken = chinese ? ChineseNumbers.digits(digits) : EnglishNumbers.digits(digits);
                int last = groups.size() - 1;
                if (last >= 0 && (groups.get(last).equals("plus") || groups.get(last).equals("加"))) {
                    groups.set(last, groups.get(last) + (chinese ? "" : " ") + spoken);
                } else {
                    groups.add(spoken);
                }
                group.setLength(0);
            }
        }
        return String.join(chinese ? "," : ", ", groups);
    }

    private Reading isoDate(Matcher m) {
        int year = Integer.parseInt(m.group(1));
        int month = Integer.parseInt(m.group(3));
        int day = Integer.parseInt(m.group(4));
        if (!validDate(month, day)) {
            return null;
        }
        return new Reading(m.end(), EnglishNumbers.date(year, month, day, null, dayFirst));
    }

    private Reading numericDate(Matcher m) {
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
        if (!validDate(month, day)) {
            return null;
        }
        int year = Integer.parseInt(yearText);
        String yearWords = yearText.length() == 2 ? twoDigitYear(yearText) : null;
        return new Reading(m.end(), EnglishNumbers.date(year, month, day, yearWords, dayFirst));
    }

    private static String twoDigitYear(String digits) {
        return digits.charAt(0) == '0' ? "oh " + EnglishNumbers.cardinal(digits.charAt(1) - '0')
                : EnglishNumbers.cardinal(Integer.parseInt(digits));
    }

    static boolean validDate(int month, int day) {
        if (month < 1 || month > 12 || day < 1) {
            return false;
        }
        int max = switch (month) {
            case 2 -> 29;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
        return day <= max;
    }

    private static int month(String name) {
        return EnglishMonthTable.number(name);
    }

    private Reading time(Matcher m) {
        int hour = Integer.parseInt(m.group(1));
        int minute = Integer.parseInt(m.group(2));
        int second = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
        String meridiem = m.group(4) == null ? null : meridiem(m.group(4));
        if (minute > 59 || second > 59 || hour > 24 || (meridiem != null && (hour < 1 || hour > 12))) {
            return null;
        }
        return new Reading(m.end(), EnglishNumbers.time(hour, minute, second, meridiem) + periodAfter(m));
    }

    private static String meridiem(String letter) {
        return Character.toLowerCase(letter.charAt(0)) == 'a' ? "a m" : "p m";
    }

    /** Keeps the period of a final "a.m." or "U.S." that also ends the sentence. */
    private String periodAfter(Matcher m) {
        return m.group().endsWith(".") && endsSentence(m.end()) ? "." : "";
    }

    /** Returns whether the text ends at {@code end} or a new sentence seems to start there. */
    private boolean endsSentence(int end) {
        return end == text.length() || (text.charAt(end) == ' ' && end + 1 < text.length()
                && Character.isUpperCase(text.charAt(end + 1)));
    }

    private Reading decade(Matcher m) {
        String digits = m.group(1);
        int value = Integer.parseInt(digits);
        if (digits.length() == 2 && value >= 10) {
            return new Reading(m.end(), EnglishNumbers.pluralize(EnglishNumbers.cardinal(value)));
        }
        if (digits.length() == 4 && value >= 1000 && value <= 2090 && !m.group().startsWith("'")) {
            return new Reading(m.end(), EnglishNumbers.pluralize(EnglishNumbers.year(value)));
        }
        return null;
    }

    private Reading fraction(Matcher m) {
        String written = m.group();
        String special = switch (written) {
            case "24/7" -> "twenty-four seven";
            case "9/11" -> "nine eleven";
            case "50/50" -> "fifty-fifty";
            default -> null;
        };
        if (special != null) {
            return new Reading(m.end(), special);
        }
        long numerator = Long.parseLong(m.group(1));
        long denominator = Long.parseLong(m.group(2));
        if (denominator < 2 || m.group(1).startsWith("0") || m.group(2).startsWith("0")) {
            return null;
        }
        return new Reading(m.end(), EnglishNumbers.fraction(numerator, denominator));
    }

    /** Reads a number with what follows it: a range, a percent sign, a unit, a currency code. */
    private Reading quantity(int i) {
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
                Reading money = moneyAfter(a, end);
                if (money != null) {
                    return money;
                }
                Reading mixed = mixedFraction(a, end);
                if (mixed != null) {
                    return mixed;
                }
            }
        }
        if (!endsWord(end)) {
            return null;
        }
        if (unit != null) {
            suffix = (b == null && a.isOne()) || attributive(i, end) ? unit.singular() : unit.plural();
        }
        String words;
        if (b != null) {
            words = range(a, b, suffix == null);
        } else if (suffix == null) {
            words = contextual(a);
        } else {
            words = plain(a);
        }
        return new Reading(end, suffix == null ? words : words + " " + suffix);
    }

    /**
     * Returns whether the quantity {@code [start, end)} describes the noun after it, as in "a 100 m sprint" or
     * "a $3 coffee": then its unit is said in the singular, "a one hundred meter sprint".
     */
    private boolean attributive(int start, int end) {
        String before = wordBefore(start);
        if (before == null || !(before.equalsIgnoreCase("a") || before.equalsIgnoreCase("an"))
                || text.charAt(start - 1) != ' ') {
            return false;
        }
        String after = wordAfter(end);
        return after != null && end < text.length() && text.charAt(end) == ' '
                && Character.isLowerCase(after.charAt(0)) && !NOT_NOUNS_AFTER_AMOUNT.contains(after);
    }

    private boolean endsWord(int end) {
        return matcher.endsWord(end);
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
            if (text.startsWith(symbol, start) && endsWord(start + symbol.length())
                    && !(spaced && ATTACHED_ONLY.contains(symbol))) {
                return unit;
            }
        }
        return null;
    }

    /** Reads "10 USD", "5€". */
    private Reading moneyAfter(Num a, int end) {
        if (end >= text.length() || a.sign() == '+') {
            return null;
        }
        Currency currency = SYMBOLS.get(text.charAt(end));
        int stop = end + 1;
        if (currency == null || currency == DOLLAR) {
            currency = null;
            int start = text.charAt(end) == ' ' ? end + 1 : end;
            if (start + 3 <= text.length()) {
                currency = CODES.get(text.substring(start, start + 3));
                stop = start + 3;
            }
        }
        if (currency == null || !endsWord(stop)) {
            return null;
        }
        return new Reading(stop, moneyWords(currency, a, null, null));
    }

    private Reading mixedFraction(Num a, int end) {
        if (!a.isInteger() || a.grouped() || a.sign() != 0 || end >= text.length() || text.charAt(end) != ' ') {
            return null;
        }
        Matcher m = at(FRACTION, end + 1);
        if (m == null) {
            return null;
        }
        long numerator = Long.parseLong(m.group(1));
        long denominator = Long.parseLong(m.group(2));
        if (numerator == 0 || numerator >= denominator) {
            return null;
        }
        return new Reading(m.end(), plain(a) + " and " + EnglishNumbers.fractionAfterWhole(numerator, denominator));
    }

    private static String range(Num a, Num b, boolean contextual) {
        if (contextual && isYearLike(a) && b.isInteger() && !b.grouped()) {
            if (isYearLike(b)) {
                return EnglishNumbers.year(Integer.parseInt(a.integer())) + " to "
                        + EnglishNumbers.year(Integer.parseInt(b.integer()));
            }
            if (b.integer().length() == 2) {
                return EnglishNumbers.year(Integer.parseInt(a.integer())) + " to " + twoDigitYear(b.integer());
            }
        }
        return plain(a) + " to " + plain(b);
    }

    private static boolean isYearLike(Num n) {
        if (!n.isInteger() || n.grouped() || n.sign() != 0 || n.integer().length() != 4) {
            return false;
        }
        int value = Integer.parseInt(n.integer());
        return value >= 1000 && value <= 2099;
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

    /** Reads a number alone, as a year where the rules in the class description say so. */
    private String contextual(Num n) {
        String before = wordBefore(n.start());
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

    private boolean isYear(int value, int start, int end) {
        String after = wordAfter(end);
        if (after != null && ERAS.contains(after)) {
            return true;
        }
        String before = wordBefore(start);
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

    /** Returns the word of letters just before {@code i}, across one space, or {@code null}. */
    private String wordBefore(int i) {
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
    private String wordAfter(int i) {
        int start = i < text.length() && text.charAt(i) == ' ' ? i + 1 : i;
        int end = start;
        while (end < text.length() && Character.isLetter(text.charAt(end))) {
            end++;
        }
        return start < end ? text.substring(start, end) : null;
    }

    // ---------------------------------------------------------------- money

    private Reading money(int i) {
        int p = i;
        boolean negative = text.charAt(p) == '-';
        if (negative) {
            p++;
        }
        Currency currency = SYMBOLS.get(text.charAt(p));
        p++;
        if (p < text.length() && text.charAt(p) == ' ') {
            p++;
        }
        return amount(currency, negative, i, p);
    }

    private Reading amount(Currency currency, boolean negative, int start, int p) {
        Num a = Num.parse(text, p, false);
        if (a == null) {
            return null;
        }
        int end = a.end();
        String scale = null;
        for (int length = 2; length >= 1 && scale == null; length--) {
            if (end + length <= text.length() && endsWord(end + length)) {
                scale = SCALES.get(text.substring(end, end + length));
                if (scale != null) {
                    end += length;
                }
            }
        }
        if (scale == null) {
            String word = wordAfter(end);
            if (word != null && SCALE_WORDS.contains(word) && end < text.length() && text.charAt(end) == ' ') {
                scale = word;
                end += 1 + word.length();
            }
        }
        Num b = null;
        if (scale == null && end + 1 < text.length() && text.charAt(end) == '-') {
            int q = end + 1;
            if (SYMBOLS.get(text.charAt(q)) == currency) {
                q++;
            }
            b = Num.parse(text, q, false);
            if (b != null) {
                end = b.end();
            }
        }
        if (!endsWord(end)) {
            return null;
        }
        if (attributive(start, end) && (a.isInteger() || scale != null)) {
            currency = currency.singularOnly();
        }
        String words = moneyWords(currency, a, scale, b);
        return new Reading(end, negative ? "minus " + words : words);
    }

    private static String moneyWords(Currency currency, Num a, String scale, Num b) {
        String sign = a.negative() ? "minus " : "";
        if (scale != null) {
            return sign + plain(unsigned(a)) + " " + scale + " " + currency.plural();
        }
        if (b != null) {
            return sign + plain(unsigned(a)) + " to " + plain(b) + " " + currency.plural();
        }
        if (a.isInteger()) {
            return sign + plain(unsigned(a)) + " " + (a.isOne() ? currency.singular() : currency.plural());
        }
        if (a.fraction().length() == 2 && currency.minorSingular() != null && a.integerValue() >= 0) {
            long major = a.integerValue();
            int minor = Integer.parseInt(a.fraction());
            List<String> parts = new ArrayList<>(2);
            if (major > 0) {
                parts.add(EnglishNumbers.cardinal(major) + " "
                        + (major == 1 ? currency.singular() : currency.plural()));
            }
            if (minor > 0) {
                parts.add(EnglishNumbers.cardinal(minor) + " "
                        + (minor == 1 ? currency.minorSingular() : currency.minorPlural()));
            }
            if (parts.isEmpty()) {
                parts.add("zero " + currency.plural());
            }
            return sign + String.join(" and ", parts);
        }
        return sign + plain(unsigned(a)) + " " + currency.plural();
    }

    private static Num unsigned(Num n) {
        return new Num(n.start(), n.end(), (char) 0, n.integer(), n.fraction(), n.grouped());
    }

    // ---------------------------------------------------------------- words

    /** Reads the word at {@code i}, which starts with an ASCII letter, or returns {@code null}. */
    Reading word(int i) {
        Matcher m;
        char c = text.charAt(i);
        if ((c == 'h' || c == 'H' || c == 'w' || c == 'W' || c == 'f' || c == 'F')
                && (m = at(URL, i)) != null) {
            return address(m.start(), trimUrl(m.start(), m.end()));
        }
        int local = i;
        boolean dot = false;
        while (local < text.length() && isAddressChar(text.charAt(local))) {
            dot |= text.charAt(local) == '.';
            local++;
        }
        if (local < text.length() && text.charAt(local) == '@' && (m = at(EMAIL, i)) != null) {
            return address(i, m.end());
        }
        if (dot && (m = at(DOMAIN, i)) != null && m.group().indexOf('.') > 0) {
            return address(i, trimUrl(i, m.end()));
        }
        int end = i;
        while (end < text.length() && text.charAt(end) < 128 && Character.isLetter(text.charAt(end))) {
            end++;
        }
        char after = end < text.length() ? text.charAt(end) : 0;
        if (Verbalizer.isLatinWordChar(after)) {
            return null; // "MP3", "café": mixed words stay as written
        }
        String word = text.substring(i, end);
        if (after == '.' && end + 1 < text.length() && Character.isLetter(text.charAt(end + 1))
                && (m = at(DOTTED, i)) != null) {
            return dotted(m);
        }
        if (EnglishMonthTable.isMonth(word) && Character.isUpperCase(c)) {
            Reading r = monthDate(i);
            if (r != null) {
                return r;
            }
        }
        Currency currency = CODES.get(word);
        if (after == '$' && DOLLAR_PREFIXES.containsKey(word) && end + 1 < text.length()
                && Num.isDigit(text.charAt(end + 1))) {
            Reading r = amount(CODES.get(DOLLAR_PREFIXES.get(word)), false, i, end + 1);
            if (r != null) {
                return r;
            }
        }
        if (currency != null) {
            int p = after == ' ' ? end + 1 : end;
            if (p < text.length() && Num.isDigit(text.charAt(p))) {
                Reading r = amount(currency, false, i, p);
                if (r != null) {
                    return r;
                }
            }
        }
        if (after == '.') {
            Reading r = abbreviation(i, word, end);
            if (r != null) {
                return r;
            }
        }
        if (word.equals("vs")) {
            return new Reading(end, "versus");
        }
        if (!Character.isUpperCase(c)) {
            return null;
        }
        Reading r = roman(i, word, end);
        if (r != null) {
            return r;
        }
        return acronym(i, word, end);
    }

    private static boolean isAddressChar(char c) {
        return (c < 128 && Character.isLetterOrDigit(c)) || c == '.' || c == '_' || c == '%' || c == '+'
                || c == '-';
    }

    /** Leaves punctuation that ends the sentence out of a URL. */
    private int trimUrl(int start, int end) {
        while (end > start && ".,;:!?".indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return end;
    }

    private Reading address(int start, int end) {
        return new Reading(end, addressWords(text.substring(start, end)));
    }

    /**
     * Reads a URL or e-mail address: the scheme is left out, dots, slashes and other marks are named, digits are
     * read one by one and {@code www} is spelled. {@code https://chorus.dev/docs} is
     * "chorus dot dev slash docs".
     */
    static String addressWords(String address) {
        String s = address.replaceFirst("^(?i:https?|ftp)://", "");
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int j = i + 1;
            if (Character.isLetter(c)) {
                while (j < s.length() && Character.isLetter(s.charAt(j))) {
                    j++;
                }
                String word = s.substring(i, j);
                words.add(word.equalsIgnoreCase("www") ? "w w w" : word);
            } else if (Num.isDigit(c)) {
                while (j < s.length() && Num.isDigit(s.charAt(j))) {
                    j++;
                }
                words.add(EnglishNumbers.digits(s.substring(i, j)));
            } else {
                String name = switch (c) {
                    case '.' -> "dot";
                    case '/' -> "slash";
                    case '-' -> "dash";
                    case '_' -> "underscore";
                    case '@' -> "at";
                    case ':' -> "colon";
                    case '?' -> "question mark";
                    case '=' -> "equals";
                    case '&' -> "and";
                    case '#' -> "hash";
                    case '%' -> "percent";
                    case '+' -> "plus";
                    case '~' -> "tilde";
                    default -> String.valueOf(c);
                };
                words.add(name);
            }
            i = j;
        }
        return String.join(" ", words);
    }

    private Reading dotted(Matcher m) {
        String letters = m.group().replace(".", "");
        String lower = letters.toLowerCase(Locale.ROOT);
        boolean capital = Character.isUpperCase(letters.charAt(0));
        String words = switch (lower) {
            case "eg" -> capital ? "For example" : "for example";
            case "ie" -> capital ? "That is" : "that is";
            case "am", "pm" -> lower.charAt(0) + " m" + periodAfter(m);
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

    private Reading monthDate(int i) {
        Matcher m;
        if ((m = at(MONTH_DAY, i)) != null) {
            int day = Integer.parseInt(m.group(2));
            if (day >= 1 && day <= 31) {
                int year = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
                return new Reading(m.end(), EnglishNumbers.date(year, month(m.group(1)), day, null, false));
            }
        }
        if ((m = at(MONTH_YEAR, i)) != null) {
            return new Reading(m.end(), EnglishNumbers.date(Integer.parseInt(m.group(2)), month(m.group(1)), -1,
                    null, false));
        }
        return null;
    }

    private Reading abbreviation(int i, String word, int dot) {
        int end = dot + 1;
        String next = wordAfter(end);
        boolean nextCapital = next != null && Character.isUpperCase(next.charAt(0));
        boolean nextNumber = end + 1 < text.length() && text.charAt(end) == ' '
                && Num.isDigit(text.charAt(end + 1));
        String keep = endsSentence(end) ? "." : "";
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
            return new Reading(end, Character.isUpperCase(word.charAt(0)) && startsSentence(i)
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

    private boolean startsSentence(int i) {
        int j = i - 1;
        while (j >= 0 && text.charAt(j) == ' ') {
            j--;
        }
        return j < 0 || ".!?".indexOf(text.charAt(j)) >= 0;
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
        return Character.isUpperCase(first) && end - start >= 2 && !startsSentence(start);
    }

    private Reading roman(int i, String word, int end) {
        if (!ROMAN.matcher(word).matches() || word.isEmpty()) {
            return null;
        }
        String before = wordBefore(i);
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

    static int romanValue(String roman) {
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

    private Reading acronym(int i, String word, int end) {
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
    static String spell(String letters) {
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
}
