package dev.chorus.text;

import java.util.Locale;

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
 * <p>The readings themselves live in one class per kind: {@link EnglishAddresses}, {@link EnglishDates},
 * {@link EnglishMoney}, {@link EnglishQuantities}, {@link EnglishNumerals} and {@link EnglishAbbreviations}.
 * This class tries them in a fixed order, the more specific first: the first that reads the text wins.
 *
 * <p>One instance serves one text on one thread.
 */
final class EnglishRules {

    private final String text;
    private final EnglishAddresses addresses;
    private final EnglishDates dates;
    private final EnglishMoney money;
    private final EnglishNumerals numerals;
    private final EnglishQuantities quantities;
    private final EnglishAbbreviations abbreviations;

    EnglishRules(String text, Locale locale) {
        this.text = text;
        TextMatcher matcher = new TextMatcher(text);
        EnglishContext context = new EnglishContext(text);
        this.addresses = new EnglishAddresses(matcher);
        this.dates = new EnglishDates(matcher, context, locale);
        this.money = new EnglishMoney(matcher, context);
        this.numerals = new EnglishNumerals(matcher, context);
        this.quantities = new EnglishQuantities(matcher, context, numerals, money);
        this.abbreviations = new EnglishAbbreviations(matcher, context);
    }

    /** Reads the number, money, date, time or phone number at {@code i}, or returns {@code null}. */
    Reading number(int i) {
        char c = text.charAt(i);
        Reading r;
        if (c == '+' || c == '(' || Num.isDigit(c)) {
            r = addresses.phone(i);
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
            return dates.decade(i);
        }
        if (money.symbolAt(i)) {
            return money.symbolFirst(i);
        }
        if (c == '#') {
            return numerals.numberSign(i);
        }
        if (c == '~') {
            Reading q = quantities.quantity(i + 1);
            return q == null ? null : new Reading(q.end(), "about " + q.text());
        }
        return quantities.quantity(i);
    }

    /** Reads the forms that start with a digit and are more than a number: dates, times, sizes, ordinals. */
    private Reading digitsFirst(int i) {
        Reading r;
        if ((r = dates.digitsFirst(i)) != null
                || (r = numerals.scientific(i)) != null
                || (r = quantities.measure(i)) != null
                || (r = dates.decade(i)) != null
                || (r = numerals.ordinal(i)) != null) {
            return r;
        }
        return numerals.fraction(i);
    }

    /** Reads the word at {@code i}, which starts with an ASCII letter, or returns {@code null}. */
    Reading word(int i) {
        Reading r = addresses.address(i);
        if (r != null) {
            return r;
        }
        char c = text.charAt(i);
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
                && abbreviations.dottedAt(i)) {
            return abbreviations.dotted(i); // "U.S.": the letters are one token, even when it stays as written
        }
        if ((r = dates.monthFirst(i, word)) != null
                || (r = money.codeFirst(i, word, end)) != null
                || (after == '.' && (r = abbreviations.abbreviation(i, word, end)) != null)) {
            return r;
        }
        if (word.equals("vs")) {
            return new Reading(end, "versus");
        }
        if (!Character.isUpperCase(c)) {
            return null;
        }
        r = numerals.roman(i, word, end);
        return r != null ? r : abbreviations.acronym(i, word, end);
    }
}
