/**
 * The {@code kokoro} engine: Kokoro v1.0 ONNX voices with their style vectors, one voice per speaker and weighted
 * blends of speakers, loaded from voice directories with hot reload through the shared plumbing of
 * {@code dev.chorus.onnx}. Text becomes phonemes through the phonemizer the engine context offers under the name
 * {@code espeak}.
 */
module dev.chorus.engine.kokoro {
    requires transitive dev.chorus.api;
    requires dev.chorus.onnx;
    requires com.microsoft.onnxruntime;

    exports dev.chorus.engine.kokoro;

    provides dev.chorus.tts.spi.TtsEngineProvider with dev.chorus.engine.kokoro.KokoroEngineProvider;
}
