package dev.chorus.onnx.reload;

import dev.chorus.tts.spi.EngineContext;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The voice directories every ONNX family searches: the shared setting {@value #SETTING} (environment variable
 * {@value #ENV}), directories separated by the platform's path separator, scanned for every family's models; a
 * family adds its own setting's directories before them. Without either, the user's Chorus data directory
 * ({@code $XDG_DATA_HOME/chorus/voices}, else {@code ~/.local/share/chorus/voices}) and {@code ./voices} if it
 * exists.
 */
public final class VoiceDirs {

    /** The shared setting (and Java system property): directories scanned by every ONNX family. */
    public static final String SETTING = "voices.dirs";
    /** The environment variable read when the setting is absent. */
    public static final String ENV = "CHORUS_VOICES";

    private VoiceDirs() {
    }

    /**
     * Returns the directories for a family: those of {@code familySetting} (when given), then those of
     * {@value #SETTING}, else the defaults. Each is read from the context, then from the system property of the
     * same name; {@value #SETTING} also from {@value #ENV}.
     *
     * @param familySetting the family's own directory setting, e.g. {@code kokoro.voices}, or {@code null}
     * @throws IllegalArgumentException naming the setting when a value has no directory in it
     */
    public static List<Path> of(EngineContext context, String familySetting) {
        LinkedHashSet<Path> dirs = new LinkedHashSet<>();
        if (familySetting != null) {
            dirs.addAll(parse(familySetting, value(context, familySetting)));
        }
        String shared = value(context, SETTING);
        if (shared == null) {
            String env = System.getenv(ENV);
            shared = env == null || env.isBlank() ? null : env.strip();
        }
        dirs.addAll(parse(SETTING, shared));
        if (dirs.isEmpty()) {
            dirs.addAll(defaults());
        }
        return List.copyOf(dirs);
    }

    /** Returns the directories of the shared setting alone (empty when it is not set). */
    public static List<Path> shared(EngineContext context) {
        String shared = value(context, SETTING);
        if (shared == null) {
            String env = System.getenv(ENV);
            shared = env == null || env.isBlank() ? null : env.strip();
        }
        return parse(SETTING, shared);
    }

    /** Returns the default directories: the user's Chorus data directory, and {@code ./voices} if present. */
    public static List<Path> defaults() {
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

    private static String value(EngineContext context, String key) {
        String v = context.settings().get(key);
        if (v == null) {
            v = System.getProperty(key);
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    /**
     * Splits a path-separated list, expanding {@code ~/}.
     *
     * @throws IllegalArgumentException naming {@code key} when {@code value} is set but names no directory
     */
    public static List<Path> parse(String key, String value) {
        if (value == null) {
            return List.of();
        }
        List<Path> dirs = new ArrayList<>();
        for (String part : value.split(Pattern.quote(File.pathSeparator))) {
            if (!part.isBlank()) {
                String p = part.strip();
                if (p.equals("~") || p.startsWith("~/")) {
                    p = System.getProperty("user.home") + p.substring(1);
                }
                dirs.add(Path.of(p).toAbsolutePath().normalize());
            }
        }
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException(key + ": '" + value + "' (expected: one or more directories "
                    + "separated by '" + File.pathSeparator + "')");
        }
        return dirs;
    }
}
