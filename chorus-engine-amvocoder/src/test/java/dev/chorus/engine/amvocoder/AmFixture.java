package dev.chorus.engine.amvocoder;

import dev.chorus.testing.amvocoder.AmVocoderTestModels;
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
 * Generated acoustic model + vocoder test voices, and the engines opened on them with the espeak engine's phonemizer
 * in their context, as the runtime offers it (eSpeak NG is a test dependency; without it the tests fail).
 */
public final class AmFixture {

    private static final TtsEngine ESPEAK = openEspeak();

    private AmFixture() {
    }

    /** Writes the conformance voices once, where the build points {@code matcha.voices} and {@code fastspeech2.voices}. */
    public static synchronized void writeStandard() {
        Path matcha = Path.of(System.getProperty("matcha.voices", "target/test-voices/matcha"), "matcha-test");
        if (!Files.exists(matcha.resolve("tokens.txt"))) {
            AmVocoderTestModels.write(matcha, AmVocoderTestModels.Acoustic.MATCHA, "model-steps-3.onnx",
                    AmVocoderTestModels.Vocoder.HIFIGAN, "hifigan_v2.onnx", true, 0);
        }
        Path fs2 = Path.of(System.getProperty("fastspeech2.voices", "target/test-voices/fastspeech2"), "fs2-test");
        if (!Files.exists(fs2.resolve("tokens.txt"))) {
            AmVocoderTestModels.write(fs2, AmVocoderTestModels.Acoustic.FASTSPEECH2, "acoustic.onnx",
                    AmVocoderTestModels.Vocoder.VOCOS, "vocos-22khz-univ.onnx", false, 0);
        }
    }

    /** Returns the phonemizers the runtime would offer: {@code espeak}. */
    public static PhonemizerSource phonemizers() {
        return PhonemizerSource.of(Map.of("espeak", ESPEAK.phonemizer().orElseThrow()));
    }

    /** Opens engine {@code id} on {@code dir} with manual scanning, plus {@code extra} settings. */
    public static TtsEngine open(String id, Path dir, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        settings.put(id + ".voices", dir.toString());
        settings.put(id + ".scan-interval", "0");
        settings.putAll(extra);
        TtsEngineProvider p = id.equals("matcha") ? new MatchaEngineProvider() : new FastSpeech2EngineProvider();
        return p.open(new EngineContext(2, settings, phonemizers()));
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
