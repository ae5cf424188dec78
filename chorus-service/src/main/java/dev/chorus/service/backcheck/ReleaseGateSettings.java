package dev.chorus.service.backcheck;

import java.util.Locale;
import java.util.Objects;

/**
 * The voice release gate's settings ({@code backcheck.release-gate*}).
 *
 * @param level  what a new voice version must pass (default {@link Level#OFF})
 * @param maxWer the highest word error rate on the check sentences a version may have at
 *               {@link Level#RECOGNIZE} (default 0.5)
 */
public record ReleaseGateSettings(Level level, double maxWer) {

    /** What a new version must pass. */
    public enum Level {
        /** Nothing: every version that loads serves. */
        OFF,
        /** The signal checks: not silent, not clipped, not far too short or long for the text. */
        SIGNAL,
        /** The signal checks, and understood by the recognizer where it knows the language. */
        RECOGNIZE;

        /** Parses {@code off}, {@code signal} or {@code recognize}. */
        public static Level parse(String s) {
            for (Level l : values()) {
                if (l.name().equalsIgnoreCase(s.strip())) {
                    return l;
                }
            }
            throw new IllegalArgumentException("backcheck.release-gate: '" + s
                    + "' (expected one of: off, signal, recognize)");
        }

        /** Returns the setting's spelling. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The gate off. */
    public static final ReleaseGateSettings OFF = new ReleaseGateSettings(Level.OFF, 0.5);

    public ReleaseGateSettings {
        Objects.requireNonNull(level, "level");
        if (!(maxWer >= 0 && maxWer <= 1)) {
            throw new IllegalArgumentException("backcheck.release-gate-max-wer: " + maxWer + " (expected: 0 to 1)");
        }
    }
}
