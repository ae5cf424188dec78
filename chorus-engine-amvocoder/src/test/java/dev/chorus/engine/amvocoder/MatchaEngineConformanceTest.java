package dev.chorus.engine.amvocoder;

import dev.chorus.testing.EngineConformanceSuite;
import dev.chorus.tts.spi.EngineContext;

/** Runs the engine conformance suite against a generated Matcha voice (found through {@code matcha.voices}). */
class MatchaEngineConformanceTest extends EngineConformanceSuite {

    static {
        AmFixture.writeStandard();
    }

    @Override
    protected String engineId() {
        return "matcha";
    }

    @Override
    protected String voiceId() {
        return "matcha:matcha-test";
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
