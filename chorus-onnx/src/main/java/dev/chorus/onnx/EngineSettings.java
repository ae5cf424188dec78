package dev.chorus.onnx;

import dev.chorus.tts.spi.EngineContext;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an ONNX engine's settings named {@code PREFIX.NAME} from its context and, for keys the context lacks, from
 * the Java system property of the same name; every failure names the key, the value and what it takes.
 */
public final class EngineSettings {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");

    private final EngineContext context;
    private final String prefix;

    /** Reads the settings of engine {@code prefix} (e.g. {@code kokoro}) from {@code context}. */
    public EngineSettings(EngineContext context, String prefix) {
        this.context = context;
        this.prefix = prefix;
    }

    /** Returns the full key of {@code name}: {@code PREFIX.NAME}. */
    public String key(String name) {
        return prefix + "." + name;
    }

    /** Returns the value of {@code name}, stripped, or {@code null} when absent or blank. */
    public String string(String name) {
        String key = key(name);
        String value = context.settings().get(key);
        if (value == null) {
            value = System.getProperty(key);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Returns an integer >= 1, or {@code fallback} when absent. */
    public int positive(String name, int fallback) {
        String value = string(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key(name) + ": '" + value + "' (expected: an integer >= 1)");
    }

    /** Returns a number in {@code [min, max]}, or {@code fallback} when absent. */
    public double number(String name, double fallback, double min, double max) {
        String value = string(name);
        if (value == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(value);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key(name) + ": '" + value + "' (expected: a number from " + min + " to "
                + max + ")");
    }

    /** Returns a duration such as {@code 2s}, {@code 500ms} or {@code 0} (a plain number is seconds). */
    public Duration duration(String name, Duration fallback) {
        String value = string(name);
        if (value == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> amount;
                case "m" -> amount * 60_000;
                default -> amount * 1000;
            };
            if (millis <= 24 * 3_600_000.0) {
                return Duration.ofNanos(Math.round(millis * 1_000_000));
            }
        }
        throw new IllegalArgumentException(key(name) + ": '" + value
                + "' (expected: a duration such as 2s, 500ms, 0.2s or 0; a plain number is seconds)");
    }

    /** Returns the device setting: {@code cpu} (default) or {@code cuda}. */
    public ExecutionProvider device(String name) {
        String value = string(name);
        if (value == null) {
            return ExecutionProvider.CPU;
        }
        for (ExecutionProvider p : ExecutionProvider.values()) {
            if (p.id().equalsIgnoreCase(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException(key(name) + ": '" + value + "' (expected one of: cpu, cuda)");
    }

    /**
     * Returns session settings from {@code PREFIX.intra-op-threads} (default processors / {@code runs}) and
     * {@code PREFIX.device}, one inter-op thread and every optimization.
     */
    public SessionSettings sessions(int runs) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new SessionSettings(positive("intra-op-threads", Math.max(1, cores / runs)), 1,
                SessionSettings.Optimization.ALL, device("device"));
    }
}
