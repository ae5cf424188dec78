/**
 * The {@code piper} engine: Piper neural voices ({@code NAME.onnx} + {@code NAME.onnx.json}) on ONNX Runtime,
 * loaded from voice directories with hot reload and versions. Text becomes phonemes through the {@code espeak}
 * engine's phonemizer, found through {@link java.util.ServiceLoader} when the engine opens.
 */
module dev.chorus.engine.piper {
    requires transitive dev.chorus.api;
    requires com.microsoft.onnxruntime;
    requires com.fasterxml.jackson.databind;

    exports dev.chorus.engine.piper;

    uses dev.chorus.tts.spi.TtsEngineProvider;

    provides dev.chorus.tts.spi.TtsEngineProvider with dev.chorus.engine.piper.PiperEngineProvider;
}
