package dev.chorus.ssml;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the values of {@code <prosody>} and {@code <break>} attributes. Each parser returns {@code null} for a
 * value it does not understand; the caller turns that into an error naming the element.
 *
 * <p>Every prosody value is a change applied to the value in force, so nested elements compose: rates multiply,
 * pitch and volume shifts add. A label such as {@code fast} therefore means "faster than the enclosing text", which
 * at the top level is the default; {@code default} resets to the request's value.
 */
final class ProsodyValues {

    /** Pitch a relative or absolute {@code Hz} value is taken against: a typical speaking voice. */
    static final double PITCH_BASE_HZ = 200.0;

    static final String RATE_EXPECTED = "x-slow, slow, medium, fast, x-fast, default, a percentage such as 150%"
            + " or +20%, or a number such as 1.5";
    static final String PITCH_EXPECTED = "x-low, low, medium, high, x-high, default, or a change such as +2st,"
            + " -10% or +50Hz";
    static final String VOLUME_EXPECTED = "silent, x-soft, soft, medium, loud, x-loud, default, or a change such"
            + " as +6dB or -3dB";
    static final String TIME_EXPECTED = "a non-negative duration such as 500ms or 2s";

    private static final String NUMBER = "(\\d+(?:\\.\\d*)?|\\.\\d+)";
    private static final Pattern PERCENT = Pattern.compile("([+-]?)" + NUMBER + "%");
    private static final Pattern PLAIN_NUMBER = Pattern.compile(NUMBER);
    private static final Pattern SEMITONES = Pattern.compile("([+-]?)" + NUMBER + "st", Pattern.CASE_INSENSITIVE);
    private static final Pattern HERTZ = Pattern.compile("([+-]?)" + NUMBER + "hz", Pattern.CASE_INSENSITIVE);
    private static final Pattern DECIBELS = Pattern.compile("([+-]?)" + NUMBER + "db", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME = Pattern.compile(NUMBER + "(ms|s)");

    private ProsodyValues() {
    }

    /** A prosody change: {@code value} applied to the value in force, or replacing it when {@code reset}. */
    record Change(double value, boolean reset) {

        static Change relative(double value) {
            return new Change(value, false);
        }

        static Change reset(double value) {
            return new Change(value, true);
        }
    }

    /** Parses a {@code rate}: a factor the rate in force is multiplied by. */
    static Change rate(String raw) {
        String value = raw.strip();
        switch (value.toLowerCase(Locale.ROOT)) {
            case "x-slow": return Change.relative(0.5);
            case "slow": return Change.relative(0.75);
            case "medium": return Change.relative(1.0);
            case "fast": return Change.relative(1.25);
            case "x-fast": return Change.relative(1.75);
            case "default": return Change.reset(1.0);
            default: break;
        }
        Matcher m = PERCENT.matcher(value);
        if (m.matches()) {
            double percent = Double.parseDouble(m.group(2)) / 100.0;
            return Change.relative(switch (m.group(1)) {
                case "+" -> 1.0 + percent;
                case "-" -> 1.0 - percent;
                default -> percent;
            });
        }
        m = PLAIN_NUMBER.matcher(value);
        if (m.matches()) {
            return Change.relative(Double.parseDouble(m.group(1)));
        }
        return null;
    }

    /** Parses a {@code pitch}: semitones added to the pitch in force. */
    static Change pitch(String raw) {
        String value = raw.strip();
        switch (value.toLowerCase(Locale.ROOT)) {
            case "x-low": return Change.relative(-6.0);
            case "low": return Change.relative(-3.0);
            case "medium": return Change.relative(0.0);
            case "high": return Change.relative(3.0);
            case "x-high": return Change.relative(6.0);
            case "default": return Change.reset(0.0);
            default: break;
        }
        Matcher m = SEMITONES.matcher(value);
        if (m.matches()) {
            return Change.relative(signed(m.group(1), Double.parseDouble(m.group(2))));
        }
        m = PERCENT.matcher(value);
        if (m.matches()) {
            double percent = Double.parseDouble(m.group(2)) / 100.0;
            double ratio = switch (m.group(1)) {
                case "+" -> 1.0 + percent;
                case "-" -> 1.0 - percent;
                default -> percent;
            };
            return Change.relative(semitones(ratio));
        }
        m = HERTZ.matcher(value);
        if (m.matches()) {
            double hz = Double.parseDouble(m.group(2));
            double ratio = m.group(1).isEmpty() ? hz / PITCH_BASE_HZ
                    : (PITCH_BASE_HZ + signed(m.group(1), hz)) / PITCH_BASE_HZ;
            return Change.relative(semitones(ratio));
        }
        return null;
    }

    /** Parses a {@code volume}: decibels added to the volume in force. */
    static Change volume(String raw) {
        String value = raw.strip();
        switch (value.toLowerCase(Locale.ROOT)) {
            case "silent": return Change.relative(Style.SILENT);
            case "x-soft": return Change.relative(-12.0);
            case "soft": return Change.relative(-6.0);
            case "medium": return Change.relative(0.0);
            case "loud": return Change.relative(6.0);
            case "x-loud": return Change.relative(10.0);
            case "default": return Change.reset(0.0);
            default: break;
        }
        Matcher m = DECIBELS.matcher(value);
        if (m.matches()) {
            return Change.relative(signed(m.group(1), Double.parseDouble(m.group(2))));
        }
        return null;
    }

    /** Parses a {@code <break>} {@code time} into milliseconds, or returns a negative number if it is invalid. */
    static double timeMillis(String raw) {
        Matcher m = TIME.matcher(raw.strip());
        if (!m.matches()) {
            return -1;
        }
        double number = Double.parseDouble(m.group(1));
        return m.group(2).equals("s") ? number * 1000.0 : number;
    }

    /** Returns the length of a {@code <break>} {@code strength} in milliseconds, or -1 if it is unknown. */
    static long strengthMillis(String raw) {
        return switch (raw.strip()) {
            case "none" -> 0;
            case "x-weak" -> 100;
            case "weak" -> 250;
            case "medium" -> 400;
            case "strong" -> 750;
            case "x-strong" -> 1200;
            default -> -1;
        };
    }

    /** Formats a number for a message: at most two decimals, no trailing zeros. */
    static String format(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "infinity" : "-infinity";
        }
        String s = String.format(Locale.ROOT, "%.2f", value);
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s.equals("-0") ? "0" : s;
    }

    /** Formats a signed number for a message, with an explicit {@code +} when positive. */
    static String formatSigned(double value) {
        String s = format(value);
        return value > 0 && !s.equals("0") ? "+" + s : s;
    }

    /** Formats milliseconds for a message: {@code 10s}, {@code 1.5s} or {@code 250ms}. */
    static String formatMillis(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        return java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
    }

    private static double signed(String sign, double value) {
        return sign.equals("-") ? -value : value;
    }

    private static double semitones(double ratio) {
        return ratio > 0 ? 12.0 * Math.log(ratio) / Math.log(2.0) : Double.NEGATIVE_INFINITY;
    }
}
