package dev.chorus.engine.piper;

import dev.chorus.testing.piper.TestVoiceGenerator;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.PhonemizerSource;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Opens the engine on test voices with the espeak engine's phonemizer in its context (as the runtime offers it),
 * and skips, loudly, tests that need eSpeak NG when it is not installed.
 */
public final class PiperFixture {

    /** The checked-in test voices (the tests run in the module's directory). */
    public static final Path VOICES = Path.of("src", "test", "resources", "voices").toAbsolutePath();

    private PiperFixture() {
    }

    /**
     * Opens the engine on {@code dir} with manual scanning and no sentence silence, plus {@code extra} settings
     * (which override those).
     */
    public static TtsEngine open(Path dir, int workers, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        settings.put(PiperEngineProvider.VOICES, dir.toString());
        settings.put(PiperEngineProvider.SCAN_INTERVAL, "0");
        settings.put(PiperEngineProvider.SENTENCE_SILENCE, "0");
        settings.putAll(extra);
        return new PiperEngineProvider().open(context(workers, settings));
    }

    /** Returns a context with {@code settings} that offers the espeak phonemizer when eSpeak NG runs here. */
    public static EngineContext context(int workers, Map<String, String> settings) {
        return new EngineContext(workers, settings, phonemizers());
    }

    /** Returns the phonemizers the runtime would offer: {@code espeak}, when it can run here. */
    public static PhonemizerSource phonemizers() {
        return ESPEAK == null ? PhonemizerSource.none()
                : PhonemizerSource.of(Map.of("espeak", ESPEAK.phonemizer().orElseThrow()));
    }

    /** Opens the engine on the checked-in test voices. */
    public static TtsEngine open() {
        return open(VOICES, 4, Map.of());
    }

    private static String espeakProblem;
    /** One espeak engine for the test JVM, whose phonemizer every Piper engine of the tests shares. */
    private static final TtsEngine ESPEAK = openEspeak();

    /** Returns whether the espeak engine (and so its phonemizer) can run here; says why not, once, if not. */
    public static boolean espeakAvailable() {
        return ESPEAK != null;
    }

    private static TtsEngine openEspeak() {
        for (TtsEngineProvider p : ServiceLoader.load(TtsEngineProvider.class)) {
            if (p.id().equals("espeak")) {
                try {
                    TtsEngine engine = p.open(EngineContext.of(4));
                    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(engine::close));
                    return engine;
                } catch (RuntimeException e) {
                    espeakProblem = e.getMessage();
                    return null;
                }
            }
        }
        espeakProblem = "no espeak engine on the class path";
        return null;
    }

    /** Skips the calling test when the engine has no eSpeak phonemizer (libespeak-ng missing). */
    public static void assumeEspeak(TtsEngine engine) {
        Assumptions.assumeTrue(engine.description().contains("phonemes from"),
                () -> "eSpeak NG (libespeak-ng1, espeak-ng-data) is not installed, SKIPPED: " + engine.failures());
    }

    /** Returns the spec of a checked-in voice by name. */
    public static TestVoiceGenerator.Spec spec(String name) {
        return TestVoiceGenerator.standard().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow();
    }
}
