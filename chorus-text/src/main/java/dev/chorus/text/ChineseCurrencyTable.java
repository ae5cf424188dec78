package dev.chorus.text;

import java.util.Map;

/** Chinese names of the currencies written with a symbol before the amount. */
final class ChineseCurrencyTable {

    /** A currency's Chinese name; {@code yuan} when amounts are read in 元, 角 and 分 rather than as a decimal. */
    record Currency(String name, boolean yuan) {
    }

    private static final Map<Character, Currency> SYMBOLS = Map.of(
            '\u00A5', new Currency("元", true),
            '$', new Currency("美元", false),
            '\u20AC', new Currency("欧元", false),
            '\u00A3', new Currency("英镑", false),
            '\u20A9', new Currency("韩元", false),
            '\u20B9', new Currency("卢比", false));

    private ChineseCurrencyTable() {
    }

    /** Returns the currency the symbol {@code c} stands for, or {@code null}. */
    static Currency bySymbol(char c) {
        return SYMBOLS.get(c);
    }
}
