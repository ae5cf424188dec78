/**
 * The {@code piper} engine: Piper neural voices ({@code NAME.onnx} + {@code NAME.onnx.json}) on ONNX Runtime through
 * the shared plumbing of {@code dev.chorus.onnx}, loaded from voice directories with hot reload and versions. Text
 * becomes phonemes through the phonemizer the engine context offers under the name {@code espeak}.
 */
module dev.chorus.engine.piper {
    requires transitive dev.chorus.api;
    requires dev.chorus.onnx;
    requires com.microsoft.onnxruntime;
    requires com.fasterxml.jackson.databind;

    exports dev.chorus.engine.piper;

    provides dev.chorus.tts.spi.TtsEngineProvider with dev.chorus.engine.piper.PiperEngineProvider;
}
