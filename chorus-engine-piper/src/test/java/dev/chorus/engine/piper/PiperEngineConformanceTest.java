package dev.chorus.engine.piper;

import dev.chorus.testing.EngineConformanceSuite;
import dev.chorus.tts.spi.EngineContext;

/**
 * Runs the engine conformance suite against the checked-in test voice (found through the {@code piper.voices}
 * system property the build sets). The voice reports no word timings.
 */
class PiperEngineConformanceTest extends EngineConformanceSuite {

    @Override
    protected String engineId() {
        return "piper";
    }

    @Override
    protected String voiceId() {
        return "piper:test-voice";
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
}
