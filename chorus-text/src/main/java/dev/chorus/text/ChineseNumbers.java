package dev.chorus.text;

/**
 * Chinese readings of numbers: cardinals with 零 for skipped places, 两 where speech uses it, digit strings,
 * decimals, fractions, dates and times.
 *
 * <p>两 rather than 二: for a leading 2 before 百, 千, 万 or 亿 ({@code 200} is 两百, {@code 2000} 两千,
 * {@code 22000} 两万二千) and, through {@link #cardinalBefore}, for the number 2 before a measure word
 * (两个, 两本, 两点); everywhere else 二 (二十, 十二, 一千二百, 第二, digits, decimals, months).
 */
final class ChineseNumbers {

    /** Longest digit string read as one number; longer ones are read digit by digit. */
    static final int MAX_CARDINAL_DIGITS = 16;

    /** 10<sup>16</sup>, the first number with more digits than the groups up to 万亿 hold. */
    private static final long LARGEST_CARDINAL = 10_000_000_000_000_000L;

    private static final char[] DIGITS = {'零', '一', '二', '三', '四', '五', '六', '七', '八', '九'};

    private static final String[] PLACES = {"", "十", "百", "千"};

    private static final String[] GROUPS = {"", "万", "亿", "万亿"};

    private ChineseNumbers() {
    }

    /** Returns {@code n} in Chinese with 两 for a leading 2 before 百, 千, 万 or 亿; 负 first when negative. */
    static String cardinal(long n) {
        return cardinal(n, true);
    }

    /**
     * Returns {@code n} in Chinese; digit by digit from 10<sup>16</sup> up, past the largest group, 万亿, as
     * {@link #integer} reads a long digit string.
     *
     * @param liang whether a leading 2 before 百, 千, 万 or 亿 is read 两
     */
    static String cardinal(long n, boolean liang) {
        if (n < 0) {
            return "负" + (n == Long.MIN_VALUE ? digits(Long.toString(n)) : cardinal(-n, liang));
        }
        if (n == 0) {
            return "零";
        }
        if (n >= LARGEST_CARDINAL) {
            return digits(Long.toString(n));
        }
        int[] groups = new int[GROUPS.length];
        int count = 0;
        for (long rest = n; rest > 0; rest /= 10000) {
            groups[count++] = (int) (rest % 10000);
        }
        StringBuilder out = new StringBuilder();
        boolean zeroPending = false;
        for (int g = count - 1; g >= 0; g--) {
            int value = groups[g];
            if (value == 0) {
                zeroPending = !out.isEmpty();
                continue;
            }
            boolean started = !out.isEmpty();
            if (started && (zeroPending || value < 1000)) {
                out.append('零');
            }
            group(value, started, liang && !started, g > 0, out);
            out.append(GROUPS[g]);
            zeroPending = false;
        }
        return out.toString();
    }

    /** Appends one group of up to four digits, with 零 for inner zeros. */
    private static void group(int value, boolean started, boolean leading, boolean hasGroupUnit, StringBuilder out) {
        boolean emitted = false;
        boolean zero = false;
        for (int place = 3; place >= 0; place--) {
            int digit = value / pow10(place) % 10;
            if (digit == 0) {
                zero = emitted;
                continue;
            }
            if (zero) {
                out.append('零');
                zero = false;
            }
            boolean first = !emitted;
            if (digit == 1 && place == 1 && first && !started) {
                out.append('十'); // 十二, not 一十二, at the very start
            } else if (digit == 2 && first && leading && (place >= 2 || (place == 0 && hasGroupUnit))) {
                out.append('两').append(PLACES[place]);
            } else {
                out.append(DIGITS[digit]).append(PLACES[place]);
            }
            emitted = true;
        }
    }

    private static int pow10(int place) {
        return switch (place) {
            case 0 -> 1;
            case 1 -> 10;
            case 2 -> 100;
            default -> 1000;
        };
    }

    /**
     * Returns {@code n} read before a measure word or unit: 两 for 2 (两个), otherwise {@link #cardinal(long)}.
     */
    static String cardinalBefore(long n) {
        return n == 2 ? "两" : cardinal(n);
    }

    /** Returns each digit of {@code digits} as a Chinese digit, 零 for 0 and 一 for 1; other chars are skipped. */
    static String digits(CharSequence digits) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c >= '0' && c <= '9') {
                out.append(DIGITS[c - '0']);
            }
        }
        return out.toString();
    }

    /**
     * Returns a non-negative integer written as ASCII digits in Chinese: as a cardinal, or digit by digit when
     * it has a leading zero or more than {@value #MAX_CARDINAL_DIGITS} digits.
     */
    static String integer(String digits, boolean liang) {
        if ((digits.length() > 1 && digits.charAt(0) == '0') || digits.length() > MAX_CARDINAL_DIGITS) {
            return digits(digits);
        }
        return cardinal(Long.parseLong(digits), liang);
    }

    /** Returns a decimal number: the integer part (零 when empty), 点, then the fraction digit by digit. */
    static String decimal(String integerDigits, String fractionDigits) {
        String whole = integerDigits.isEmpty() ? "零" : integer(integerDigits, false);
        if (fractionDigits == null || fractionDigits.isEmpty()) {
            return whole;
        }
        return whole + "点" + digits(fractionDigits);
    }

    /** Returns a fraction: {@code 3/4} is 四分之三. */
    static String fraction(long numerator, long denominator) {
        return cardinal(denominator, false) + "分之" + cardinal(numerator, false);
    }

    /** Returns a clock time: 十四点零五分, 九点三十分, 两点, 十点零五分三十秒. */
    static String time(int hour, int minute, int second) {
        StringBuilder out = new StringBuilder(cardinalBefore(hour)).append('点');
        if (minute > 0 || second > 0) {
            out.append(minute < 10 ? "零" + DIGITS[minute] : cardinal(minute, false)).append('分');
        }
        if (second > 0) {
            out.append(second < 10 ? "零" + DIGITS[second] : cardinal(second, false)).append('秒');
        }
        return out.toString();
    }

    /**
     * Returns a date: 二零二六年十一月二十五日. Each part is left out when -1.
     */
    static String date(int year, int month, int day) {
        StringBuilder out = new StringBuilder();
        if (year >= 0) {
            out.append(digits(Integer.toString(year))).append('年');
        }
        if (month > 0) {
            out.append(cardinal(month, false)).append('月');
        }
        if (day > 0) {
            out.append(cardinal(day, false)).append('日');
        }
        return out.toString();
    }
}
