package dev.chorus.text;

import java.util.Locale;

/**
 * English words for numbers: cardinals, ordinals, years, digit strings, decimals, fractions, dates and times.
 * Cardinals follow American usage: no "and" after hundreds ({@code 123} is "one hundred twenty-three").
 */
final class EnglishNumbers {

    /** Longest digit string read as one number; longer ones are read digit by digit. */
    static final int MAX_CARDINAL_DIGITS = 18;

    private static final String[] ONES = {
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};

    private static final String[] TENS = {
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};

    private static final String[] SCALES = {
        "", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion"};

    static final String[] MONTHS = {
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December"};

    private EnglishNumbers() {
    }

    /** Returns {@code n} in words, "minus" first when negative. */
    static String cardinal(long n) {
        if (n < 0) {
            return "minus " + cardinal(-n);
        }
        if (n < 20) {
            return ONES[(int) n];
        }
        StringBuilder out = new StringBuilder();
        long[] groups = new long[SCALES.length];
        int count = 0;
        for (long rest = n; rest > 0; rest /= 1000) {
            groups[count++] = rest % 1000;
        }
        for (int g = count - 1; g >= 0; g--) {
            if (groups[g] == 0) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append(' ');
            }
            hundreds((int) groups[g], out);
            if (g > 0) {
                out.append(' ').append(SCALES[g]);
            }
        }
        return out.toString();
    }

    private static void hundreds(int n, StringBuilder out) {
        if (n >= 100) {
            out.append(ONES[n / 100]).append(" hundred");
            n %= 100;
            if (n == 0) {
                return;
            }
            out.append(' ');
        }
        if (n < 20) {
            out.append(ONES[n]);
        } else {
            out.append(TENS[n / 10]);
            if (n % 10 != 0) {
                out.append('-').append(ONES[n % 10]);
            }
        }
    }

    /** Returns the ordinal of {@code n} in words: "first", "twenty-second", "one hundred third". */
    static String ordinal(long n) {
        return toOrdinal(cardinal(n));
    }

    /** Turns cardinal words into ordinal words by changing the last word: "twenty-one" becomes "twenty-first". */
    static String toOrdinal(String cardinal) {
        int cut = Math.max(cardinal.lastIndexOf(' '), cardinal.lastIndexOf('-')) + 1;
        String last = cardinal.substring(cut);
        String ordinal = switch (last) {
            case "one" -> "first";
            case "two" -> "second";
            case "three" -> "third";
            case "five" -> "fifth";
            case "eight" -> "eighth";
            case "nine" -> "ninth";
            case "twelve" -> "twelfth";
            default -> last.endsWith("y") ? last.substring(0, last.length() - 1) + "ieth" : last + "th";
        };
        return cardinal.substring(0, cut) + ordinal;
    }

    /** Returns the plural of the last word of {@code words}: "nineteen ninety" becomes "nineteen nineties". */
    static String pluralize(String words) {
        if (words.endsWith("y")) {
            return words.substring(0, words.length() - 1) + "ies";
        }
        if (words.endsWith("x") || words.endsWith("s")) {
            return words + "es";
        }
        return words + "s";
    }

    /**
     * Returns {@code year} as a year is said: "nineteen eighty-four", "nineteen oh five", "nineteen hundred",
     * "two thousand", "two thousand eight", "twenty twenty-six". Years below 1000 and from 10000 on are read
     * as cardinals.
     */
    static String year(int year) {
        if (year < 1000 || year >= 10000) {
            return cardinal(year);
        }
        int high = year / 100;
        int low = year % 100;
        if (high % 10 == 0 && low < 10) {
            // 2000-2009, 1000-1009: "two thousand eight"
            return cardinal(year);
        }
        if (low == 0) {
            return cardinal(high) + " hundred";
        }
        return cardinal(high) + (low < 10 ? " oh " : " ") + cardinal(low);
    }

    /** Returns each digit of {@code digits} as a word, separated by spaces; other chars are skipped. */
    static String digits(CharSequence digits) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c >= '0' && c <= '9') {
                if (!out.isEmpty()) {
                    out.append(' ');
                }
                out.append(ONES[c - '0']);
            }
        }
        return out.toString();
    }

    /**
     * Returns a non-negative integer written as ASCII digits in words: as a cardinal, or digit by digit when it
     * has a leading zero or more than {@value #MAX_CARDINAL_DIGITS} digits.
     */
    static String integer(String digits) {
        if ((digits.length() > 1 && digits.charAt(0) == '0') || digits.length() > MAX_CARDINAL_DIGITS) {
            return digits(digits);
        }
        return cardinal(Long.parseLong(digits));
    }

    /**
     * Returns a decimal number in words: the integer part as a cardinal, "point", then the fraction digit by
     * digit ({@code .5} is "point five"). Without a fraction, the integer alone.
     */
    static String decimal(String integerDigits, String fractionDigits) {
        if (fractionDigits == null || fractionDigits.isEmpty()) {
            return integerDigits.isEmpty() ? "zero" : integer(integerDigits);
        }
        String point = "point " + digits(fractionDigits);
        return integerDigits.isEmpty() ? point : integer(integerDigits) + " " + point;
    }

    /**
     * Returns a fraction in words: "one half", "three quarters", "two thirds", "five eighths"; a numerator
     * above one makes the denominator plural.
     */
    static String fraction(long numerator, long denominator) {
        String denominatorWord;
        if (denominator == 2) {
            denominatorWord = numerator == 1 ? "half" : "halves";
        } else if (denominator == 4) {
            denominatorWord = numerator == 1 ? "quarter" : "quarters";
        } else {
            denominatorWord = ordinal(denominator);
            if (numerator != 1) {
                denominatorWord += "s";
            }
        }
        return cardinal(numerator) + " " + denominatorWord;
    }

    /** Returns "a half", "a quarter", "a third", or the plain fraction when the numerator is not one. */
    static String fractionAfterWhole(long numerator, long denominator) {
        if (numerator == 1) {
            return "a " + fraction(1, denominator).substring("one ".length());
        }
        return fraction(numerator, denominator);
    }

    /**
     * Returns a clock time in words.
     *
     * @param hour     0 to 23 (or 1 to 12 when {@code meridiem} is set)
     * @param minute   0 to 59
     * @param second   0 to 59, or -1 when not given
     * @param meridiem "a m" or "p m", or {@code null} for a 24-hour time
     */
    static String time(int hour, int minute, int second, String meridiem) {
        StringBuilder out = new StringBuilder(cardinal(hour));
        if (minute == 0) {
            if (meridiem == null) {
                out.append(hour >= 1 && hour <= 12 ? " o'clock" : " hundred");
            }
        } else {
            out.append(minute < 10 ? " oh " : " ").append(cardinal(minute));
        }
        if (second > 0) {
            out.append(" and ").append(cardinal(second)).append(second == 1 ? " second" : " seconds");
        }
        if (meridiem != null) {
            out.append(' ').append(meridiem);
        }
        return out.toString();
    }

    /** Returns the English name of month {@code month}, 1 to 12. */
    static String month(int month) {
        return MONTHS[month - 1];
    }

    /** Returns whether dates in {@code locale} are said day first ("the fifth of May"). */
    static boolean dayFirst(Locale locale) {
        return switch (locale.getCountry()) {
            case "GB", "IE", "AU", "NZ", "IN", "ZA", "SG", "HK", "MT", "NG", "KE", "PK" -> true;
            default -> false;
        };
    }

    /**
     * Returns a date in words: "November twenty-fifth, twenty twenty-six", or where dates are said day first,
     * "the twenty-fifth of November, twenty twenty-six".
     *
     * @param year  the year, or -1 when not given
     * @param month 1 to 12, or -1 when not given
     * @param day   1 to 31, or -1 when not given
     * @param yearWords the year as written to be said ("twenty-six" for {@code '26}); {@code null} to say
     *              {@code year}
     */
    static String date(int year, int month, int day, String yearWords, boolean dayFirst) {
        StringBuilder out = new StringBuilder();
        if (month > 0 && day > 0) {
            if (dayFirst) {
                out.append("the ").append(ordinal(day)).append(" of ").append(month(month));
            } else {
                out.append(month(month)).append(' ').append(ordinal(day));
            }
        } else if (month > 0) {
            out.append(month(month));
        } else if (day > 0) {
            out.append("the ").append(ordinal(day));
        }
        if (year >= 0 || yearWords != null) {
            String spokenYear = yearWords != null ? yearWords : year(year);
            if (!out.isEmpty()) {
                out.append(day > 0 ? ", " : " ");
            }
            out.append(spokenYear);
        }
        return out.toString();
    }
}
