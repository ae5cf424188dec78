package dev.chorus.app;

import dev.chorus.tts.InvalidInputException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses setting values written by people: durations such as {@code 30s}, sizes such as {@code 1MiB}, booleans. */
final class SettingValues {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?");

    private SettingValues() {
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, a bare number of seconds, or {@code PT30S}. */
    static Duration duration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("pt")) {
            try {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw bad(name, value, "a duration such as 500ms, 30s, 5m or PT30S");
            }
        }
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw bad(name, value, "a duration such as 500ms, 30s, 5m or PT30S");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    /** Parses a byte count: {@code 1048576}, {@code 512KiB}, {@code 1MiB}, {@code 1MB}. */
    static long bytes(String name, String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw bad(name, value, "a size such as 1048576, 512KiB or 1MiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        return n * switch (unit) {
            case "kb" -> 1000L;
            case "kib" -> 1024L;
            case "mb" -> 1000L * 1000;
            case "mib" -> 1024L * 1024;
            case "gb" -> 1000L * 1000 * 1000;
            case "gib" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
    }

    /** Parses a whole number. */
    static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw bad(name, value, "a whole number");
        }
    }

    /** Parses {@code true}/{@code false} (also yes/no, on/off, 1/0). */
    static boolean bool(String name, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw bad(name, value, "true or false");
        };
    }

    /** Splits a comma-separated list, dropping blanks. */
    static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    static InvalidInputException bad(String name, String value, String expected) {
        return new InvalidInputException(name, name + ": '" + value + "' (expected: " + expected + ")");
    }
}
