package dev.chorus.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads text the way an SSML {@code <say-as>} element asks, in English or Chinese by the locale's language.
 * For other languages, {@code characters} and {@code digits} put spaces between the characters and leave the
 * digits as digits, and everything else is returned as written, for their engines to read.
 *
 * <p>{@code interpret-as} values:
 * <ul>
 *   <li>{@code cardinal}, {@code number}: a number ({@code 1,234.5}, {@code -7}), never a year;
 *   <li>{@code ordinal}: {@code 3} or {@code 3rd} is "third", 第三 in Chinese;
 *   <li>{@code characters}, {@code spell-out}: one character at a time, digits as words ({@code AB12} is
 *       "A B one two");
 *   <li>{@code digits}: each digit as a word ({@code 1234} is "one two three four");
 *   <li>{@code date}: {@code format} gives the order of the numbers: {@code mdy}, {@code dmy}, {@code ymd},
 *       {@code md}, {@code dm}, {@code ym}, {@code my}, {@code y}, {@code m}, {@code d}; without a format, the
 *       text is read as a date the usual way ({@code 2026-11-25});
 *   <li>{@code time}: {@code format} {@code hms12} reads a 12-hour time with a m or p m, {@code hms24} a
 *       24-hour time ({@code 21:30} is "nine thirty p m" or "twenty-one thirty");
 *   <li>{@code telephone}: digit by digit in groups;
 *   <li>{@code currency}: an amount with its currency symbol or code; a bare number takes {@code format} as its
 *       ISO 4217 code, or else the locale's currency ({@code 5.20} is "five dollars and twenty cents" in
 *       {@code en-US}, 五元二角 in Chinese);
 *   <li>{@code fraction}: {@code 3/4} is "three quarters", 四分之三;
 *   <li>{@code unit}: a number and its unit, {@code 5 km} is "five kilometers".
 * </ul>
 * Any other value, and text that does not parse as what {@code interpret-as} says, is read like any text by
 * the pipeline's rules: the text is never dropped. {@code detail} is accepted and ignored.
 */
public final class SayAs {

    private static final Pattern TIME = Pattern.compile(
            "(\\d{1,2})(?::|h|\\.)?(\\d{2})?(?::(\\d{2}))? ?(?:([aApP])\\.? ?[mM]\\.?)?");
    private static final Pattern DATE_FORMAT = Pattern.compile("[dmy]{1,3}");

    private SayAs() {
    }

    /**
     * Returns the words to say for {@code text} read as {@code interpretAs}; see the class description.
     *
     * @param format may be {@code null}
     * @param detail may be {@code null}; ignored
     */
    public static String verbalize(String text, String interpretAs, String format, String detail, Locale locale) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(locale, "locale");
        String clean = TextNormalizer.normalize(text);
        if (clean.isEmpty()) {
            return clean;
        }
        boolean chinese = Verbalizer.isChinese(locale);
        boolean supported = Verbalizer.supports(locale);
        String kind = interpretAs == null ? "" : interpretAs.strip().toLowerCase(Locale.ROOT);
        String fmt = format == null ? "" : format.strip().toLowerCase(Locale.ROOT);
        String result = switch (kind) {
            case "characters", "spell-out", "spell" -> characters(clean, chinese, supported);
            case "digits" -> digits(clean, chinese, supported);
            default -> supported ? read(kind, clean, fmt, format, locale, chinese) : null;
        };
        return result != null ? result : normal(clean, locale);
    }

    private static String read(String kind, String text, String fmt, String format, Locale locale,
                               boolean chinese) {
        return switch (kind) {
            case "cardinal", "number" -> cardinal(text, chinese);
            case "ordinal" -> ordinal(text, chinese);
            case "date" -> date(text, fmt, locale, chinese);
            case "time" -> time(text, fmt, chinese);
            case "telephone" -> telephone(text, chinese);
            case "currency" -> currency(text, format, locale, chinese);
            case "fraction", "unit" -> normal(text, locale);
            default -> null;
        };
    }

    private static String normal(String text, Locale locale) {
        return Verbalizer.verbalize(MappedText.identity(text), locale).text();
    }

    private static Num whole(String text) {
        Num n = Num.parse(text, 0, true);
        return n != null && n.end() == text.length() ? n : null;
    }

    private static String cardinal(String text, boolean chinese) {
        Num n = whole(text.replace(" ", ""));
        if (n == null) {
            return null;
        }
        if (!chinese) {
            return EnglishNumerals.plain(n);
        }
        String sign = n.negative() ? "负" : "";
        if (!n.isInteger()) {
            return sign + ChineseNumbers.decimal(n.integer(), n.fraction());
        }
        return sign + ChineseNumbers.integer(n.integer(), true);
    }

    private static String ordinal(String text, boolean chinese) {
        String digits = text.replaceFirst("(?i)^第|(st|nd|rd|th|\\.)$", "").replace(",", "");
        if (!digits.matches("\\d{1,15}")) {
            return null;
        }
        long value = Long.parseLong(digits);
        return chinese ? "第" + ChineseNumbers.cardinal(value, false) : EnglishNumbers.ordinal(value);
    }

    private static String characters(String text, boolean chinese, boolean words) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp)) {
                continue;
            }
            if (cp >= '0' && cp <= '9') {
                parts.add(digit((char) cp, chinese, words));
            } else if (cp < 128 && Character.isLetter(cp)) {
                parts.add(String.valueOf((char) Character.toUpperCase(cp)));
            } else {
                parts.add(new String(Character.toChars(cp)));
            }
        }
        return join(parts, chinese);
    }

    /** Joins with spaces; in Chinese, only between two Latin parts. */
    private static String join(List<String> parts, boolean chinese) {
        if (!chinese) {
            return String.join(" ", parts);
        }
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (!out.isEmpty() && Verbalizer.isLatinWordChar(out.charAt(out.length() - 1))
                    && Verbalizer.isLatinWordChar(part.charAt(0))) {
                out.append(' ');
            }
            out.append(part);
        }
        return out.toString();
    }

    private static String digit(char c, boolean chinese, boolean words) {
        if (!words) {
            return String.valueOf(c);
        }
        return chinese ? ChineseNumbers.digits(String.valueOf(c)) : EnglishNumbers.digits(String.valueOf(c));
    }

    private static String digits(String text, boolean chinese, boolean words) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Num.isDigit(c)) {
                parts.add(digit(c, chinese, words));
            } else if (Character.isLetter(c)) {
                parts.add(String.valueOf(c));
            }
        }
        return parts.isEmpty() ? null : join(parts, chinese);
    }

    private static String date(String text, String fmt, Locale locale, boolean chinese) {
        if (fmt.isEmpty() || !DATE_FORMAT.matcher(fmt).matches()) {
            return null;
        }
        String[] fields = text.split("[-/. ,]+");
        if (fields.length != fmt.length()) {
            return null;
        }
        int year = -1;
        int month = -1;
        int day = -1;
        String yearText = null;
        for (int k = 0; k < fields.length; k++) {
            String field = fields[k];
            if (!field.matches("\\d{1,4}")) {
                return null;
            }
            int value = Integer.parseInt(field);
            switch (fmt.charAt(k)) {
                case 'y' -> {
                    year = value;
                    yearText = field;
                }
                case 'm' -> month = value;
                default -> day = value;
            }
        }
        if ((month != -1 && (month < 1 || month > 12)) || (day != -1 && (day < 1 || day > 31))
                || (month > 0 && day > 0 && !DateFields.isValid(month, day))) {
            return null;
        }
        if (chinese) {
            return ChineseNumbers.date(year, month, day);
        }
        String yearWords = yearText != null && yearText.length() == 2
                ? (yearText.charAt(0) == '0' ? "oh " + EnglishNumbers.cardinal(yearText.charAt(1) - '0')
                        : EnglishNumbers.cardinal(year))
                : null;
        return EnglishNumbers.date(year, month, day, yearWords, EnglishNumbers.dayFirst(locale));
    }

    private static String time(String text, String fmt, boolean chinese) {
        Matcher m = TIME.matcher(text);
        if (!m.matches()) {
            return null;
        }
        int hour = Integer.parseInt(m.group(1));
        int minute = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        int second = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
        Character meridiem = m.group(4) == null ? null : Character.toLowerCase(m.group(4).charAt(0));
        if (minute > 59 || second > 59 || hour > 24 || (meridiem != null && (hour < 1 || hour > 12))) {
            return null;
        }
        int hour24 = hour;
        if (meridiem != null) {
            hour24 = hour % 12 + (meridiem == 'p' ? 12 : 0);
        }
        boolean twelve = fmt.equals("hms12") || (!fmt.equals("hms24") && meridiem != null);
        if (chinese) {
            int shown = twelve ? (hour24 % 12 == 0 ? 12 : hour24 % 12) : hour24;
            String prefix = twelve ? (hour24 < 12 ? "上午" : "下午") : "";
            return prefix + ChineseNumbers.time(shown, minute, Math.max(second, 0));
        }
        if (twelve) {
            int shown = hour24 % 12 == 0 ? 12 : hour24 % 12;
            return EnglishNumbers.time(shown, minute, second, hour24 < 12 || hour24 == 24 ? "a m" : "p m");
        }
        return EnglishNumbers.time(hour24, minute, second, null);
    }

    private static String telephone(String text, boolean chinese) {
        if (PhoneNumbers.digitCount(text) == 0 || !text.matches("[0-9+() .\\-]+")) {
            return null;
        }
        return PhoneNumbers.words(text, chinese);
    }

    private static String currency(String text, String format, Locale locale, boolean chinese) {
        if (whole(text.replace(",", "")) == null) {
            return null; // a symbol or code is there: the usual rules read it
        }
        String code = format == null || format.isBlank() ? null : format.strip().toUpperCase(Locale.ROOT);
        if (chinese) {
            String prefix = code == null || code.equals("CNY") || code.equals("RMB") ? "\u00A5"
                    : code.equals("USD") ? "$" : code.equals("EUR") ? "\u20AC" : code.equals("GBP") ? "\u00A3" : null;
            return prefix == null ? null : normal(prefix + text, locale);
        }
        if (code == null) {
            code = localCurrency(locale);
        }
        String prefix = switch (code) {
            case "USD" -> "$";
            case "EUR" -> "\u20AC";
            case "GBP" -> "\u00A3";
            case "JPY" -> "\u00A5";
            case "INR" -> "\u20B9";
            default -> code + " ";
        };
        return normal(prefix + text, locale);
    }

    private static String localCurrency(Locale locale) {
        try {
            return java.util.Currency.getInstance(locale).getCurrencyCode();
        } catch (IllegalArgumentException e) {
            return "USD";
        }
    }
}
