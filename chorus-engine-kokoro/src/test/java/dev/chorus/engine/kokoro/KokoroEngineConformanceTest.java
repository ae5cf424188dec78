package dev.chorus.engine.kokoro;

import dev.chorus.testing.EngineConformanceSuite;
import dev.chorus.tts.spi.EngineContext;

/**
 * Runs the engine conformance suite against a generated Kokoro model in sherpa-onnx's layout (found through the
 * {@code kokoro.voices} system property the build sets); its durations output gives word timings.
 */
class KokoroEngineConformanceTest extends EngineConformanceSuite {

    static {
        KokoroFixture.writeStandard();
    }

    @Override
    protected String engineId() {
        return "kokoro";
    }

    @Override
    protected String voiceId() {
        return "kokoro:af_test";
    }

    @Override
    protected int expectedSampleRate() {
        return 24_000;
    }

    @Override
    protected EngineContext context(int workers) {
        return EngineContext.of(workers).withPhonemizers(KokoroFixture.phonemizers());
    }
}
