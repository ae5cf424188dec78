package dev.chorus.engine.espeak;

import dev.chorus.testing.EngineConformanceSuite;

/** Runs the engine conformance suite against eSpeak NG's en-us voice. */
class EspeakEngineConformanceTest extends EngineConformanceSuite {

    @Override
    protected String engineId() {
        return "espeak";
    }

    @Override
    protected String voiceId() {
        return "espeak:en-us";
    }

    @Override
    protected int expectedSampleRate() {
        return 22_050;
    }

    @Override
    protected boolean available() {
        return EspeakFixture.available();
    }
}
