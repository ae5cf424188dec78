package dev.chorus.engine.kokoro;

import dev.chorus.testing.kokoro.KokoroTestModel;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.PhonemizerSource;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Generated Kokoro test voices, and the engine opened on them with the espeak engine's phonemizer in its context,
 * as the runtime offers it. eSpeak NG is a test dependency (scripts/install-test-deps.sh installs it): without it
 * the tests fail, saying so.
 */
public final class KokoroFixture {

    /** Where the build points {@code kokoro.voices} for the conformance suite. */
    public static final Path VOICES = Path.of(System.getProperty("kokoro.voices", "target/test-voices"))
            .toAbsolutePath();

    private static final TtsEngine ESPEAK = openEspeak();

    private KokoroFixture() {
    }

    /** Writes the standard test voices (sherpa-onnx layout, three speakers, with durations) once. */
    public static synchronized void writeStandard() {
        Path dir = VOICES.resolve("kokoro-test");
        if (!Files.exists(dir.resolve("model.onnx"))) {
            KokoroTestModel.write(dir, KokoroTestModel.Layout.SHERPA, 3, true);
        }
    }

    /** Returns the phonemizers the runtime would offer: {@code espeak}. */
    public static PhonemizerSource phonemizers() {
        return PhonemizerSource.of(Map.of("espeak", ESPEAK.phonemizer().orElseThrow()));
    }

    /** Opens the engine on {@code dirs} (path-separated) with manual scanning, plus {@code extra} settings. */
    public static TtsEngine open(String dirs, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        settings.put(KokoroEngineProvider.VOICES, dirs);
        settings.put(KokoroEngineProvider.SCAN_INTERVAL, "0");
        settings.put("voices.dirs", dirs);
        settings.putAll(extra);
        return new KokoroEngineProvider().open(new EngineContext(2, settings, phonemizers()));
    }

    private static TtsEngine openEspeak() {
        for (TtsEngineProvider p : ServiceLoader.load(TtsEngineProvider.class)) {
            if (p.id().equals("espeak")) {
                TtsEngine engine = p.open(EngineContext.of(2));
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(engine::close));
                return engine;
            }
        }
        throw new AssertionError("no espeak engine on the test class path (chorus-engine-espeak)");
    }
}
