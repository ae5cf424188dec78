package dev.chorus.text;

/**
 * A number as written: {@code -1,234.50} has sign {@code '-'}, integer {@code "1234"}, fraction {@code "50"} and
 * is grouped.
 *
 * @param start    offset of the sign or first digit
 * @param end      offset just past the last digit
 * @param sign     {@code '-'}, {@code '+'} or 0
 * @param integer  the integer digits without separators; empty for {@code ".5"}
 * @param fraction the digits after the decimal point, or {@code null}
 * @param grouped  whether thousands were separated with commas
 */
record Num(int start, int end, char sign, String integer, String fraction, boolean grouped) {

    /** Returns whether the number is a whole number. */
    boolean isInteger() {
        return fraction == null;
    }

    boolean negative() {
        return sign == '-';
    }

    /** Returns the integer part as a long, or -1 when it has too many digits to read as one number. */
    long integerValue() {
        if (integer.isEmpty()) {
            return 0;
        }
        return integer.length() > EnglishNumbers.MAX_CARDINAL_DIGITS ? -1 : Long.parseLong(integer);
    }

    /** Returns whether this is exactly one, written without a decimal point: it takes a singular unit. */
    boolean isOne() {
        return sign != '-' && fraction == null && integer.equals("1");
    }

    /** Returns whether the integer part has a leading zero ({@code "007"}), which is read digit by digit. */
    boolean leadingZero() {
        return integer.length() > 1 && integer.charAt(0) == '0';
    }

    /**
     * Parses a number at {@code pos}: optional sign (when {@code allowSign}), digits with optional comma
     * grouping ({@code 1,234,567}), optional decimal fraction; or a fraction alone ({@code .5}).
     *
     * @return the number, or {@code null} when there is none at {@code pos}
     */
    static Num parse(String s, int pos, boolean allowSign) {
        int i = pos;
        char sign = 0;
        if (allowSign && i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            sign = s.charAt(i);
            i++;
        }
        int digitsStart = i;
        while (i < s.length() && isDigit(s.charAt(i))) {
            i++;
        }
        int firstRun = i - digitsStart;
        StringBuilder integer = new StringBuilder(s.subSequence(digitsStart, i));
        boolean grouped = false;
        if (firstRun >= 1 && firstRun <= 3) {
            while (i + 3 < s.length() && s.charAt(i) == ',' && isDigit(s.charAt(i + 1))
                    && isDigit(s.charAt(i + 2)) && isDigit(s.charAt(i + 3))
                    && (i + 4 == s.length() || !isDigit(s.charAt(i + 4)))) {
                integer.append(s, i + 1, i + 4);
                i += 4;
                grouped = true;
            }
        }
        String fraction = null;
        if (i + 1 < s.length() && s.charAt(i) == '.' && isDigit(s.charAt(i + 1))) {
            int fractionStart = i + 1;
            i = fractionStart;
            while (i < s.length() && isDigit(s.charAt(i))) {
                i++;
            }
            fraction = s.substring(fractionStart, i);
        }
        if (integer.isEmpty() && fraction == null) {
            return null;
        }
        return new Num(pos, i, sign, integer.toString(), fraction, grouped);
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
