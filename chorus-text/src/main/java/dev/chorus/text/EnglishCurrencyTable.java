package dev.chorus.text;

import java.util.Map;
import java.util.Set;

/** English names of currencies, by symbol and by ISO code, and of the scales written after an amount. */
final class EnglishCurrencyTable {

    /** A currency's unit names; {@code minorSingular} is {@code null} when amounts are read with "point". */
    record Currency(String singular, String plural, String minorSingular, String minorPlural) {

        /** Returns this currency with its singular names only: "a five dollar bill". */
        Currency singularOnly() {
            return new Currency(singular, singular, minorSingular, minorSingular);
        }
    }

    static final Currency DOLLAR = new Currency("dollar", "dollars", "cent", "cents");

    /**
     * Currencies by symbol. The codes below have instances of their own: an amount range such as "€5-€10" skips
     * the second symbol only when it is the very currency the amount started with.
     */
    static final Map<Character, Currency> SYMBOLS = Map.of(
            '$', DOLLAR,
            '\u20AC', new Currency("euro", "euros", "cent", "cents"),
            '\u00A3', new Currency("pound", "pounds", "penny", "pence"),
            '\u00A5', new Currency("yen", "yen", null, null),
            '\u20A9', new Currency("won", "won", null, null),
            '\u20B9', new Currency("rupee", "rupees", "paisa", "paise"));

    static final Map<String, Currency> CODES = Map.ofEntries(
            Map.entry("USD", new Currency("US dollar", "US dollars", "cent", "cents")),
            Map.entry("EUR", new Currency("euro", "euros", "cent", "cents")),
            Map.entry("GBP", new Currency("pound", "pounds", "penny", "pence")),
            Map.entry("JPY", new Currency("yen", "yen", null, null)),
            Map.entry("CNY", new Currency("yuan", "yuan", null, null)),
            Map.entry("RMB", new Currency("yuan", "yuan", null, null)),
            Map.entry("CAD", new Currency("Canadian dollar", "Canadian dollars", "cent", "cents")),
            Map.entry("AUD", new Currency("Australian dollar", "Australian dollars", "cent", "cents")),
            Map.entry("HKD", new Currency("Hong Kong dollar", "Hong Kong dollars", "cent", "cents")),
            Map.entry("CHF", new Currency("Swiss franc", "Swiss francs", null, null)),
            Map.entry("INR", new Currency("rupee", "rupees", "paisa", "paise")));

    /** Letters before "$" that name a dollar: {@code US$5}, {@code A$5}. */
    static final Map<String, String> DOLLAR_PREFIXES = Map.of(
            "US", "USD", "A", "AUD", "AU", "AUD", "C", "CAD", "CA", "CAD", "HK", "HKD");

    /** Scales written right after an amount: "$5k", "$3bn". */
    static final Map<String, String> SCALES = Map.of(
            "k", "thousand", "K", "thousand", "m", "million", "M", "million", "mn", "million",
            "b", "billion", "bn", "billion", "B", "billion", "tn", "trillion", "T", "trillion");

    /** Scales written as a word after an amount: "$5 million". */
    static final Set<String> SCALE_WORDS = Set.of("thousand", "million", "billion", "trillion");

    private EnglishCurrencyTable() {
    }
}
