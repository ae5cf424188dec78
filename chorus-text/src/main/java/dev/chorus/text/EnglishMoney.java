package dev.chorus.text;

import static dev.chorus.text.EnglishCurrencyTable.CODES;
import static dev.chorus.text.EnglishCurrencyTable.DOLLAR;
import static dev.chorus.text.EnglishCurrencyTable.DOLLAR_PREFIXES;
import static dev.chorus.text.EnglishCurrencyTable.SCALES;
import static dev.chorus.text.EnglishCurrencyTable.SCALE_WORDS;
import static dev.chorus.text.EnglishCurrencyTable.SYMBOLS;

import dev.chorus.text.EnglishCurrencyTable.Currency;
import java.util.ArrayList;
import java.util.List;

/**
 * English readings of amounts of money: "$5.20" is "five dollars and twenty cents", and so are "USD 5.20" and
 * "5.20 USD"; "US$5", "-€3", "$3bn", "$5 million" and "$5-10" are read too.
 *
 * <p>One instance serves one text on one thread.
 */
final class EnglishMoney {

    private final String text;
    private final TextMatcher matcher;
    private final EnglishContext context;

    EnglishMoney(TextMatcher matcher, EnglishContext context) {
        this.text = matcher.text();
        this.matcher = matcher;
        this.context = context;
    }

    /** Returns whether a currency symbol, or a minus and a currency symbol, stands at {@code i}. */
    boolean symbolAt(int i) {
        char c = text.charAt(i);
        return SYMBOLS.containsKey(c) || (c == '-' && i + 1 < text.length() && SYMBOLS.containsKey(text.charAt(i + 1)));
    }

    /** Reads the amount at {@code i}, which starts with a currency symbol or a minus and one ({@link #symbolAt}). */
    Reading symbolFirst(int i) {
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

    /**
     * Reads the amount at {@code i} that starts with {@code word}, ending at {@code end}: a currency code
     * ("USD 5") or the letters of a dollar ("US$5"). Returns {@code null} when there is none.
     */
    Reading codeFirst(int i, String word, int end) {
        char after = end < text.length() ? text.charAt(end) : 0;
        if (after == '$' && DOLLAR_PREFIXES.containsKey(word) && end + 1 < text.length()
                && Num.isDigit(text.charAt(end + 1))) {
            Reading r = amount(CODES.get(DOLLAR_PREFIXES.get(word)), false, i, end + 1);
            if (r != null) {
                return r;
            }
        }
        Currency currency = CODES.get(word);
        if (currency != null) {
            int p = after == ' ' ? end + 1 : end;
            if (p < text.length() && Num.isDigit(text.charAt(p))) {
                return amount(currency, false, i, p);
            }
        }
        return null;
    }

    /** Reads the number {@code a} with the currency that follows it at {@code end}: "10 USD", "5€". */
    Reading after(Num a, int end) {
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
        if (currency == null || !matcher.endsWord(stop)) {
            return null;
        }
        return new Reading(stop, words(currency, a, null, null));
    }

    /** Reads the amount in {@code currency} whose digits start at {@code p}; the reading starts at {@code start}. */
    private Reading amount(Currency currency, boolean negative, int start, int p) {
        Num a = Num.parse(text, p, false);
        if (a == null) {
            return null;
        }
        int end = a.end();
        String scale = null;
        for (int length = 2; length >= 1 && scale == null; length--) {
            if (end + length <= text.length() && matcher.endsWord(end + length)) {
                scale = SCALES.get(text.substring(end, end + length));
                if (scale != null) {
                    end += length;
                }
            }
        }
        if (scale == null) {
            String word = context.wordAfter(end);
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
        if (!matcher.endsWord(end)) {
            return null;
        }
        if (context.attributive(start, end) && (a.isInteger() || scale != null)) {
            currency = currency.singularOnly();
        }
        String words = words(currency, a, scale, b);
        return new Reading(end, negative ? "minus " + words : words);
    }

    private static String words(Currency currency, Num a, String scale, Num b) {
        String sign = a.negative() ? "minus " : "";
        if (scale != null) {
            return sign + EnglishNumerals.plain(unsigned(a)) + " " + scale + " " + currency.plural();
        }
        if (b != null) {
            return sign + EnglishNumerals.plain(unsigned(a)) + " to " + EnglishNumerals.plain(b) + " "
                    + currency.plural();
        }
        if (a.isInteger()) {
            return sign + EnglishNumerals.plain(unsigned(a)) + " "
                    + (a.isOne() ? currency.singular() : currency.plural());
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
        return sign + EnglishNumerals.plain(unsigned(a)) + " " + currency.plural();
    }

    private static Num unsigned(Num n) {
        return new Num(n.start(), n.end(), (char) 0, n.integer(), n.fraction(), n.grouped());
    }
}
