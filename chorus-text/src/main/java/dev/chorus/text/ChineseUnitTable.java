package dev.chorus.text;

import java.util.function.IntPredicate;

/** Units written after a number in Chinese text, by their Latin symbol, with their Chinese names. */
final class ChineseUnitTable {

    /** A unit's symbol as written and its Chinese name. */
    record Unit(String symbol, String name) {
    }

    /**
     * Tried in order, and a symbol counts only where a word ends after it: "m" does not take the "m" of "ms", and
     * where both would end a word the longer comes first ("km/h" before "km", "°C" before "°").
     */
    private static final Unit[] UNITS = {
        new Unit("km/h", "公里每小时"), new Unit("m/s", "米每秒"), new Unit("\u00B0C", "摄氏度"),
        new Unit("\u00B0F", "华氏度"), new Unit("\u00B0", "度"), new Unit("km", "公里"), new Unit("kg", "公斤"),
        new Unit("mg", "毫克"), new Unit("cm", "厘米"), new Unit("mm", "毫米"), new Unit("ml", "毫升"),
        new Unit("mL", "毫升"), new Unit("L", "升"), new Unit("m", "米"), new Unit("g", "克"), new Unit("ms", "毫秒"),
        new Unit("s", "秒"), new Unit("h", "小时"), new Unit("min", "分钟"), new Unit("GB", "G B"),
        new Unit("MB", "M B"), new Unit("KB", "K B"), new Unit("TB", "T B")};

    private ChineseUnitTable() {
    }

    /** Returns the length of the unit symbol at {@code at} of {@code text} that ends there as a word, or 0. */
    static int lengthAt(String text, int at) {
        Unit unit = at(text, at, end -> end == text.length() || !Verbalizer.isLatinWordChar(text.charAt(end)));
        return unit == null ? 0 : unit.symbol().length();
    }

    /**
     * Returns the first unit, in table order, whose symbol starts at {@code at} of {@code text} and ends where
     * {@code endsWord} accepts, or {@code null}.
     */
    static Unit at(String text, int at, IntPredicate endsWord) {
        for (Unit unit : UNITS) {
            if (text.startsWith(unit.symbol(), at) && endsWord.test(at + unit.symbol().length())) {
                return unit;
            }
        }
        return null;
    }
}
