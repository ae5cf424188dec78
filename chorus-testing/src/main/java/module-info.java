/**
 * Test kit: the engine conformance suite, audio assertions shared by every module's tests, and generators of tiny
 * ONNX test models ({@code dev.chorus.testing.onnx}, {@code dev.chorus.testing.piper},
 * {@code dev.chorus.testing.kokoro}, {@code dev.chorus.testing.amvocoder}). Depends on no engine.
 */
module dev.chorus.testing {
    requires transitive dev.chorus.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires com.fasterxml.jackson.databind;

    exports dev.chorus.testing;
    exports dev.chorus.testing.onnx;
    exports dev.chorus.testing.piper;
    exports dev.chorus.testing.kokoro;
    exports dev.chorus.testing.amvocoder;
    opens dev.chorus.testing to org.junit.platform.commons;
}
