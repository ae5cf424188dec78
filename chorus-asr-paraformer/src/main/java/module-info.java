/**
 * The {@code paraformer} recognizer: a Paraformer model (sherpa-onnx / FunASR ONNX layout) on ONNX Runtime, with
 * its features computed in Java ({@link dev.chorus.asr.paraformer.features}).
 */
module dev.chorus.asr.paraformer {
    requires transitive dev.chorus.asr;
    requires dev.chorus.onnx;
    requires dev.chorus.audio;

    exports dev.chorus.asr.paraformer;
    exports dev.chorus.asr.paraformer.features;

    provides dev.chorus.asr.RecognizerProvider with dev.chorus.asr.paraformer.ParaformerProvider;
}
