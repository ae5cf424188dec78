package dev.chorus.engine.espeak.internal;

import dev.chorus.engine.espeak.EspeakEngineProvider;
import dev.chorus.tts.spi.EngineContext;

import java.util.Locale;

/**
 * The engine's settings, read once from the {@link EngineContext}.
 *
 * @param library   the configured library path, or {@code null} to search
 * @param data      the configured data directory, or {@code null} for the library's default
 * @param isolation how concurrent syntheses are kept apart
 */
record EspeakSettings(String library, String data, Isolation isolation) {

    static final String LIBRARY = EspeakEngineProvider.LIBRARY;
    static final String DATA = EspeakEngineProvider.DATA;
    static final String ISOLATION = EspeakEngineProvider.ISOLATION;

    /** How concurrent syntheses are kept apart; eSpeak NG itself is not thread-safe. */
    enum Isolation {
        /** One private copy of the library per worker: syntheses run in parallel. */
        COPIES,
        /** One copy of the library, one synthesis at a time. */
        LOCK
    }

    /**
     * Reads the settings.
     *
     * @throws IllegalArgumentException if {@value #ISOLATION} is neither {@code copies} nor {@code lock}
     */
    static EspeakSettings from(EngineContext context) {
        String isolation = context.setting(ISOLATION, "copies").strip().toLowerCase(Locale.ROOT);
        Isolation mode = switch (isolation) {
            case "copies" -> Isolation.COPIES;
            case "lock" -> Isolation.LOCK;
            default -> throw new IllegalArgumentException(
                    ISOLATION + ": '" + isolation + "' (expected: copies or lock)");
        };
        return new EspeakSettings(blankToNull(context.setting(LIBRARY, null)),
                blankToNull(context.setting(DATA, null)), mode);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
