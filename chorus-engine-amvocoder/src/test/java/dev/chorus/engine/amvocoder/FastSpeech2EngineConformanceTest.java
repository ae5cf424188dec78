package dev.chorus.engine.amvocoder;

import dev.chorus.testing.EngineConformanceSuite;
import dev.chorus.tts.spi.EngineContext;

/** Runs the engine conformance suite against a generated FastSpeech2 voice (found through {@code fastspeech2.voices}). */
class FastSpeech2EngineConformanceTest extends EngineConformanceSuite {

    static {
        AmFixture.writeStandard();
    }

    @Override
    protected String engineId() {
        return "fastspeech2";
    }

    @Override
    protected String voiceId() {
        return "fastspeech2:fs2-test";
    }

    @Override
    protected int expectedSampleRate() {
        return 22_050;
    }

    @Override
    protected EngineContext context(int workers) {
        return EngineContext.of(workers).withPhonemizers(AmFixture.phonemizers());
    }
}
