package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperEngineProvider;
import dev.chorus.onnx.reload.VoiceDirs;
import dev.chorus.tts.spi.EngineContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine's settings, read from the engine context and, for keys it lacks, from system properties.
 *
 * @param voiceDirectories  directories scanned for voices, in priority order: piper.voices, then the shared
 *                          voices.dirs (CHORUS_VOICES), else the defaults
 * @param scanInterval      time between scans, and how long a changed file must stay unchanged; zero: no scanning
 * @param intraOpThreads    ONNX Runtime threads inside one run
 * @param interOpThreads    ONNX Runtime threads across independent nodes
 * @param optimization      graph optimization level
 * @param maxConcurrentRuns runs of one voice at a time
 * @param device            execution provider asked for
 * @param sentenceSilence   silence appended after each sentence
 */
public record PiperSettings(List<Path> voiceDirectories, Duration scanInterval, int intraOpThreads,
                            int interOpThreads, Optimization optimization, int maxConcurrentRuns, Device device,
                            Duration sentenceSilence) {

    /** ONNX Runtime graph optimization levels. */
    public enum Optimization { NONE, BASIC, EXTENDED, ALL }

    /** Execution providers. */
    public enum Device { CPU, CUDA }

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");

    public PiperSettings {
        voiceDirectories = List.copyOf(voiceDirectories);
    }

    /**
     * Reads the settings.
     *
     * @throws IllegalArgumentException naming the setting and the values it takes, if one is invalid
     */
    public static PiperSettings of(EngineContext context) {
        int runs = positive(context, PiperEngineProvider.MAX_CONCURRENT_RUNS, context.workers());
        int cores = Runtime.getRuntime().availableProcessors();
        return new PiperSettings(
                VoiceDirs.of(context, PiperEngineProvider.VOICES),
                duration(context, PiperEngineProvider.SCAN_INTERVAL, Duration.ofSeconds(2)),
                positive(context, PiperEngineProvider.INTRA_OP_THREADS, Math.max(1, cores / runs)),
                positive(context, PiperEngineProvider.INTER_OP_THREADS, 1),
                choice(context, PiperEngineProvider.OPTIMIZATION, Optimization.class, Optimization.ALL),
                runs,
                choice(context, PiperEngineProvider.DEVICE, Device.class, Device.CPU),
                duration(context, PiperEngineProvider.SENTENCE_SILENCE, Duration.ofMillis(200)));
    }

    /** Returns the default voice directories: the user's Chorus data directory, and {@code ./voices} if present. */
    public static List<Path> defaultDirectories() {
        List<Path> dirs = new ArrayList<>();
        String xdg = System.getenv("XDG_DATA_HOME");
        Path data = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        dirs.add(data.resolve("chorus").resolve("voices"));
        Path local = Path.of("voices").toAbsolutePath();
        if (Files.isDirectory(local)) {
            dirs.add(local);
        }
        return dirs;
    }

    private static String setting(EngineContext context, String key) {
        String value = context.settings().get(key);
        if (value == null) {
            value = System.getProperty(key);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static int positive(EngineContext context, String key, int fallback) {
        String value = setting(context, key);
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
        throw new IllegalArgumentException(key + ": '" + value + "' (expected: an integer >= 1)");
    }

    private static <E extends Enum<E>> E choice(EngineContext context, String key, Class<E> type, E fallback) {
        String value = setting(context, key);
        if (value == null) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException(key + ": '" + value + "' (expected one of: " + String.join(", ", names)
                + ")");
    }

    private static Duration duration(EngineContext context, String key, Duration fallback) {
        String value = setting(context, key);
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
        throw new IllegalArgumentException(key + ": '" + value
                + "' (expected: a duration such as 2s, 500ms, 0.2s or 0; a plain number is seconds)");
    }
}
