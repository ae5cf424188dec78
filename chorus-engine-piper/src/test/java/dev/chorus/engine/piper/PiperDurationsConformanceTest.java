package dev.chorus.engine.piper;

import dev.chorus.testing.EngineConformanceSuite;
import dev.chorus.tts.spi.EngineContext;

/** Runs the engine conformance suite against the test voice that reports per-phoneme durations (word events). */
class PiperDurationsConformanceTest extends EngineConformanceSuite {

    @Override
    protected String engineId() {
        return "piper";
    }

    @Override
    protected String voiceId() {
        return "piper:test-voice-durations";
    }

    @Override
    protected int expectedSampleRate() {
        return 22_050;
    }

    @Override
    protected EngineContext context(int workers) {
        return EngineContext.of(workers).withPhonemizers(PiperFixture.phonemizers());
    }

    @Override
    protected boolean available() {
        return PiperFixture.espeakAvailable();
    }

    @Override
    protected int workers() {
        return 2;
    }
}
