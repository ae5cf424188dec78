package dev.chorus.ssml;

import java.util.HashMap;
import java.util.Map;

/**
 * Converts X-SAMPA to IPA, symbol by symbol with the longest match first. The table covers the X-SAMPA symbols
 * for pulmonic consonants, vowels, implosives, clicks, suprasegmentals and the common diacritics; a symbol outside
 * it makes the conversion fail rather than guess.
 */
final class XSampa {

    private static final Map<String, String> TABLE = new HashMap<>();
    private static final int LONGEST;

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            TABLE.put(String.valueOf(c), String.valueOf(c));
        }
        TABLE.put("g", "\u0261");
        String[] pairs = {
            // Capitals.
            "A", "\u0251", "B", "\u03B2", "C", "\u00E7", "D", "\u00F0", "E", "\u025B", "F", "\u0271",
            "G", "\u0263", "H", "\u0265", "I", "\u026A", "J", "\u0272", "K", "\u026C", "L", "\u028E",
            "M", "\u026F", "N", "\u014B", "O", "\u0254", "P", "\u028B", "Q", "\u0252", "R", "\u0281",
            "S", "\u0283", "T", "\u03B8", "U", "\u028A", "V", "\u028C", "W", "\u028D", "X", "\u03C7",
            "Y", "\u028F", "Z", "\u0292",
            // Digits and symbols.
            "1", "\u0268", "2", "\u00F8", "3", "\u025C", "4", "\u027E", "5", "\u026B", "6", "\u0250",
            "7", "\u0264", "8", "\u0275", "9", "\u0153", "&", "\u0276", "@", "\u0259", "{", "\u00E6",
            "}", "\u0289", "?", "\u0294", "\"", "\u02C8", "%", "\u02CC", ":", "\u02D0", ":\\", "\u02D1",
            "'", "\u02B2", ".", ".", "|", "|", "||", "\u2016", "^", "\uA71B", "!", "\uA71C",
            "=", "\u0329", "~", "\u0303", "`", "\u02DE", "-", "", " ", " ",
            // Retroflex.
            "d`", "\u0256", "l`", "\u026D", "n`", "\u0273", "r`", "\u027D", "s`", "\u0282", "t`", "\u0288",
            "z`", "\u0290", "@`", "\u025A", "r\\`", "\u027B",
            // Backslash symbols.
            "B\\", "\u0299", "G\\", "\u0262", "H\\", "\u029C", "I\\", "\u1D7B", "J\\", "\u025F",
            "K\\", "\u026E", "L\\", "\u029F", "M\\", "\u0270", "N\\", "\u0274", "O\\", "\u0298",
            "R\\", "\u0280", "U\\", "\u1D7F", "X\\", "\u0127", "h\\", "\u0266", "j\\", "\u029D",
            "l\\", "\u027A", "p\\", "\u0278", "r\\", "\u0279", "s\\", "\u0255", "v\\", "\u028B",
            "x\\", "\u0267", "z\\", "\u0291", "3\\", "\u025E", "@\\", "\u0258", "?\\", "\u0295",
            "<\\", "\u02A2", ">\\", "\u02A1", "|\\", "\u01C0", "|\\|\\", "\u01C1", "!\\", "\u01C3",
            "=\\", "\u01C2", "-\\", "\u203F",
            // Implosives.
            "b_<", "\u0253", "d_<", "\u0257", "g_<", "\u0260", "G\\_<", "\u029B", "J\\_<", "\u0284",
            // Diacritics.
            "_h", "\u02B0", "_w", "\u02B7", "_j", "\u02B2", "_G", "\u02E0", "_?\\", "\u02E4", "_~", "\u0303",
            "_0", "\u0325", "_d", "\u032A", "_t", "\u0324", "_=", "\u0329", "_^", "\u032F", "_}", "\u031A",
            "_e", "\u0334", "_>", "\u02BC", "_\"", "\u0308", "_+", "\u031F", "_-", "\u0320", "_a", "\u033A",
            "_A", "\u0318", "_c", "\u031C", "_k", "\u0330", "_l", "\u02E1", "_m", "\u033B", "_n", "\u207F",
            "_N", "\u033C", "_o", "\u031E", "_O", "\u0339", "_q", "\u0319", "_r", "\u031D", "_v", "\u032C",
            "_x", "\u033D", "_X", "\u0306", "_H", "\u0301", "_M", "\u0304", "_L", "\u0300", "_T", "\u030B",
            "_B", "\u030F", "_R", "\u030C", "_F", "\u0302",
        };
        for (int i = 0; i < pairs.length; i += 2) {
            TABLE.put(pairs[i], pairs[i + 1]);
        }
        LONGEST = TABLE.keySet().stream().mapToInt(String::length).max().orElseThrow();
    }

    private XSampa() {
    }

    /** Thrown when the input holds a symbol the table lacks. */
    static final class UnknownSymbolException extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownSymbolException(String symbol) {
            super(symbol, null, false, false);
        }
    }

    /**
     * Returns {@code xsampa} in IPA.
     *
     * @throws UnknownSymbolException naming the first char that starts no known symbol
     */
    static String toIpa(String xsampa) throws UnknownSymbolException {
        StringBuilder out = new StringBuilder(xsampa.length());
        int i = 0;
        while (i < xsampa.length()) {
            int length = Math.min(LONGEST, xsampa.length() - i);
            String ipa = null;
            for (; length > 0; length--) {
                ipa = TABLE.get(xsampa.substring(i, i + length));
                if (ipa != null) {
                    break;
                }
            }
            if (ipa == null) {
                throw new UnknownSymbolException(new String(Character.toChars(xsampa.codePointAt(i))));
            }
            out.append(ipa);
            i += length;
        }
        return out.toString();
    }
}
