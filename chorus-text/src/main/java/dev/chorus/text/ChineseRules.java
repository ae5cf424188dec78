package dev.chorus.text;

import dev.chorus.text.ChineseCurrencyTable.Currency;
import dev.chorus.text.ChineseUnitTable.Unit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Chinese readings of numbers, tried where {@link Verbalizer} found a number in Chinese context.
 *
 * <p>Choices: a number of four digits before 年, or any number after 公元, is a year, read digit by digit
 * (2026年 is 二零二六年); so is a room number of three or more digits before 室 or 房 (二零三室); money
 * in yuan is read in 元, 角 and 分 (5.20元 and ¥5.20 are 五元二角), other currencies as a decimal before
 * the currency's name ($5.20 is 五点二美元); phone numbers are read digit by digit with 幺 for 1, as
 * numbers are said on the telephone, groups separated by commas: mobile numbers (13812345678, 138-1234-5678,
 * 138 1234 5678, +86 138 1234 5678) and landlines with their area code (010-8888-6666, (021) 6666 8888,
 * 0755-12345678); a number before 年, 月, 日 or 号 other than a year is a cardinal (十一月);
 * temperatures below zero are 零下.
 *
 * <p>One instance serves one text on one thread.
 */
final class ChineseRules {

    private static final Pattern MOBILE = Pattern.compile("1[3-9]\\d(?:\\d{8}|([ -])\\d{4}\\1\\d{4})(?![\\w])");
    // An area code (0 and two or three digits, after a hyphen or a space, or in parentheses), then seven or eight
    // digits, whole or in two groups: 010-8888-6666, (021) 6666 8888, 0755-12345678.
    private static final Pattern LANDLINE = Pattern.compile(
            "(?:0\\d{2,3}[ -]|\\(0\\d{2,3}\\) ?)(?:\\d{7,8}|\\d{3,4}[ -]\\d{4})(?![\\w]|[-.]\\d)");
    private static final Pattern PHONE_NANP = Pattern.compile(
            "(?:\\+1[ .-]?)?(?:\\(\\d{3}\\) ?|\\d{3}[ .-])\\d{3}[ .-]\\d{4}(?![\\w])");
    private static final Pattern PHONE_INTL = Pattern.compile(
            "\\+\\d{1,3}(?:[ .-]\\(?\\d{1,4}\\)?){2,5}(?![\\w])");
    private static final Pattern DATE_ISO = Pattern.compile(
            "(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})(?![\\w]|[-/.]\\d)");
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?![\\w]|:\\d)");

    private final String text;
    private final TextMatcher matcher;

    ChineseRules(String text) {
        this.text = text;
        this.matcher = new TextMatcher(text);
    }

    /** Reads the number at {@code i} in Chinese, or returns {@code null}. */
    Reading number(int i) {
        char c = text.charAt(i);
        Reading r;
        if (Num.isDigit(c) || c == '+' || c == '(') {
            if ((r = matcher.replace(MOBILE, i, ChineseRules::phone)) != null
                    || (r = matcher.replace(LANDLINE, i, ChineseRules::phone)) != null
                    || (r = matcher.replace(PHONE_NANP, i, ChineseRules::phone)) != null
                    || (r = matcher.replace(PHONE_INTL, i, ChineseRules::internationalPhone)) != null) {
                return r;
            }
            if (c == '(') {
                return null;
            }
        }
        if (Num.isDigit(c)) {
            if ((r = matcher.read(DATE_ISO, i, this::date)) != null
                    || (r = matcher.replace(TIME, i, ChineseRules::time)) != null) {
                return r;
            }
        }
        boolean negative = c == '-' && i + 1 < text.length()
                && ChineseCurrencyTable.bySymbol(text.charAt(i + 1)) != null;
        if (ChineseCurrencyTable.bySymbol(c) != null || negative) {
            return money(i, negative);
        }
        if (c == '#') {
            Num n = Num.parse(text, i + 1, false);
            if (n != null && n.isInteger() && matcher.endsWord(n.end())) {
                return new Reading(n.end(), ChineseNumbers.integer(n.integer(), false) + "号");
            }
            return null;
        }
        if (c == '~' || c == '+') {
            return null;
        }
        return quantity(i);
    }

    private static String phone(MatchResult m) {
        return PhoneNumbers.words(m.group(), true);
    }

    /** Reads a number after a country code as a phone number only when it has enough digits to be one. */
    private static String internationalPhone(MatchResult m) {
        return PhoneNumbers.digitCount(m.group()) >= 8 ? phone(m) : null;
    }

    /** Reads 2026-11-25 as a date, taking a 日 or 号 that follows it. */
    private Reading date(MatchResult m) {
        int month = Integer.parseInt(m.group(3));
        int day = Integer.parseInt(m.group(4));
        if (!DateFields.isValid(month, day)) {
            return null;
        }
        int end = m.end();
        if (end < text.length() && (text.charAt(end) == '日' || text.charAt(end) == '号')) {
            end++;
        }
        return new Reading(end, ChineseNumbers.date(Integer.parseInt(m.group(1)), month, day));
    }

    private static String time(MatchResult m) {
        int hour = Integer.parseInt(m.group(1));
        int minute = Integer.parseInt(m.group(2));
        int second = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        if (hour <= 24 && minute <= 59 && second <= 59) {
            return ChineseNumbers.time(hour, minute, second);
        }
        return null;
    }

    private Reading quantity(int i) {
        Num a = Num.parse(text, i, text.charAt(i) == '-');
        if (a == null) {
            return null;
        }
        int end = a.end();
        if (end < text.length() && text.charAt(end) == '%') {
            if (end + 2 < text.length() && (text.charAt(end + 1) == '-' || text.charAt(end + 1) == '~')
                    && Num.isDigit(text.charAt(end + 2))) {
                Num b = Num.parse(text, end + 2, false);
                if (b.end() < text.length() && text.charAt(b.end()) == '%' && matcher.endsWord(b.end() + 1)) {
                    return new Reading(b.end() + 1, percent(a) + "到" + percent(b));
                }
            }
            return matcher.endsWord(end + 1) ? new Reading(end + 1, percent(a)) : null;
        }
        if (end < text.length() && text.charAt(end) == '\u2030') {
            return new Reading(end + 1, (a.negative() ? "负" : "") + "千分之" + decimal(a));
        }
        if (end + 1 < text.length() && text.charAt(end) == '/' && a.isInteger() && a.sign() == 0) {
            Num b = Num.parse(text, end + 1, false);
            // integerValue() is -1 for a number too long to read as one: such a fraction stays as written.
            if (b != null && b.isInteger() && a.integerValue() >= 0 && b.integerValue() > 0
                    && matcher.endsWord(b.end())) {
                return new Reading(b.end(), ChineseNumbers.fraction(a.integerValue(), b.integerValue()));
            }
            return null;
        }
        if (end + 1 < text.length() && (text.charAt(end) == '-' || text.charAt(end) == '~')
                && Num.isDigit(text.charAt(end + 1))) {
            Num b = Num.parse(text, end + 1, false);
            return range(a, b);
        }
        if (end < text.length() && text.charAt(end) == '元' && !a.isInteger() && a.fraction().length() <= 2) {
            return new Reading(end + 1, yuan(a));
        }
        Unit unit = ChineseUnitTable.at(text, end, matcher::endsWord);
        if (unit != null) {
            int stop = end + unit.symbol().length();
            if (unit.name().equals("摄氏度") && a.negative()) {
                return new Reading(stop, "零下" + decimal(a.integer(), a.fraction(), false) + unit.name());
            }
            return new Reading(stop, counted(a, true) + unit.name());
        }
        if (!matcher.endsWord(end)) {
            return null;
        }
        return new Reading(end, counted(a, ChineseMeasureTable.startsAt(text, end)));
    }

    private Reading range(Num a, Num b) {
        int end = b.end();
        boolean percent = end < text.length() && text.charAt(end) == '%';
        if (percent) {
            end++;
        }
        if (!matcher.endsWord(end)) {
            return null;
        }
        if (percent) {
            return new Reading(end, percent(a) + "到" + decimal(b));
        }
        if (end < text.length() && text.charAt(end) == '年' && isYear(a) && isYear(b)) {
            return new Reading(end, ChineseNumbers.digits(a.integer()) + "到" + ChineseNumbers.digits(b.integer()));
        }
        boolean measure = ChineseMeasureTable.startsAt(text, end);
        return new Reading(end, counted(a, measure) + "到" + counted(b, measure));
    }

    private static boolean isYear(Num n) {
        return n.isInteger() && !n.grouped() && n.sign() == 0 && n.integer().length() == 4;
    }

    /**
     * Reads a number: a year before 年 digit by digit, 两 for 2 before a measure word ({@code measure}), a
     * decimal with 点, a number after 第 with 二.
     */
    private String counted(Num n, boolean measure) {
        if (n.isInteger() && n.sign() == 0 && n.integer().length() >= 3 && n.end() < text.length()
                && (text.charAt(n.end()) == '室' || text.charAt(n.end()) == '房')) {
            return ChineseNumbers.digits(n.integer()); // room numbers: 二零三室
        }
        boolean beforeYear = n.end() < text.length() && text.charAt(n.end()) == '年';
        if (beforeYear && n.isInteger() && n.sign() == 0
                && (isYear(n) || text.startsWith("公元", Math.max(0, n.start() - 3))
                        || text.startsWith("公元", Math.max(0, n.start() - 2)))) {
            return ChineseNumbers.digits(n.integer());
        }
        boolean ordinal = n.start() > 0 && text.charAt(n.start() - 1) == '第';
        if (!n.isInteger()) {
            return decimal(n);
        }
        String sign = n.negative() ? "负" : "";
        long value = n.integerValue();
        if (value == 2 && measure && !ordinal && !n.negative()) {
            return "两";
        }
        if (value < 0) {
            return sign + ChineseNumbers.digits(n.integer());
        }
        return sign + ChineseNumbers.integer(n.integer(), !ordinal);
    }

    private static String decimal(Num n) {
        return decimal(n.integer(), n.fraction(), n.negative());
    }

    private static String decimal(String integer, String fraction, boolean negative) {
        return (negative ? "负" : "") + ChineseNumbers.decimal(integer, fraction);
    }

    private static String percent(Num n) {
        String sign = n.negative() ? "负" : "";
        if (n.isInteger() && n.integer().equals("100")) {
            return sign + "百分之百";
        }
        return sign + "百分之" + ChineseNumbers.decimal(n.integer(), n.fraction());
    }

    /**
     * Reads an amount in yuan: 五元二角, 五元零五分, 五角; 两元 for 2 yuan, but 二角 and 二分. An amount too long
     * to read as one number is read as a decimal before 元, digit by digit.
     */
    private static String yuan(Num n) {
        long whole = n.integerValue();
        if (whole < 0) {
            return decimal(n) + "元";
        }
        StringBuilder out = new StringBuilder(n.negative() ? "负" : "");
        String fraction = n.fraction() == null ? "" : (n.fraction() + "0").substring(0, 2);
        int jiao = fraction.isEmpty() ? 0 : fraction.charAt(0) - '0';
        int fen = fraction.isEmpty() ? 0 : fraction.charAt(1) - '0';
        if (whole > 0 || (jiao == 0 && fen == 0)) {
            out.append(ChineseNumbers.cardinalBefore(whole)).append('元');
        }
        if (jiao > 0) {
            out.append(ChineseNumbers.digits(String.valueOf(jiao))).append('角');
        } else if (fen > 0 && whole > 0) {
            out.append('零');
        }
        if (fen > 0) {
            out.append(ChineseNumbers.digits(String.valueOf(fen))).append('分');
        }
        return out.toString();
    }

    private Reading money(int i, boolean negative) {
        int p = negative ? i + 1 : i;
        Currency currency = ChineseCurrencyTable.bySymbol(text.charAt(p));
        p++;
        if (p < text.length() && text.charAt(p) == ' ') {
            p++;
        }
        Num a = Num.parse(text, p, false);
        if (a == null) {
            return null;
        }
        int end = a.end();
        int scaleStart = end;
        while (end < text.length() && "十百千万亿".indexOf(text.charAt(end)) >= 0) {
            end++;
        }
        String scale = text.substring(scaleStart, end);
        if (!matcher.endsWord(end)) {
            return null;
        }
        String sign = negative ? "负" : "";
        if (currency.yuan() && scale.isEmpty()) {
            return new Reading(end, sign + (a.isInteger() ? counted(a, true) + "元" : yuan(a)));
        }
        String amount = a.isInteger() ? counted(a, true) : decimal(trimZeros(a));
        return new Reading(end, sign + amount + scale + currency.name());
    }

    /** Drops trailing zeros of the fraction: $5.20 is 五点二美元, $5.00 五美元. */
    private static Num trimZeros(Num n) {
        String fraction = n.fraction().replaceFirst("0+$", "");
        return new Num(n.start(), n.end(), n.sign(), n.integer(), fraction.isEmpty() ? null : fraction,
                n.grouped());
    }
}
