package dev.chorus.engine.hmm;

import dev.chorus.testing.EngineConformanceSuite;

/** Runs the engine conformance suite against MaryTTS. */
class HmmEngineConformanceTest extends EngineConformanceSuite {

    @Override
    protected String engineId() {
        return "hmm";
    }

    @Override
    protected String voiceId() {
        return "hmm:cmu-slt-hsmm";
    }

    @Override
    protected int expectedSampleRate() {
        return 48_000;
    }
}
