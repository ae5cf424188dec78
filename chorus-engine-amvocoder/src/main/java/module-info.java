/**
 * The {@code matcha} and {@code fastspeech2} engines: an acoustic model (token ids in, mel out) and a vocoder
 * (HiFi-GAN: mel to waveform; Vocos: magnitude and phase, inverse STFT here) per voice directory, the mel handed from
 * one ONNX Runtime session to the other without a copy, on the shared plumbing of {@code dev.chorus.onnx}.
 */
module dev.chorus.engine.amvocoder {
    requires transitive dev.chorus.api;
    requires dev.chorus.onnx;
    requires com.microsoft.onnxruntime;

    exports dev.chorus.engine.amvocoder;

    provides dev.chorus.tts.spi.TtsEngineProvider with dev.chorus.engine.amvocoder.MatchaEngineProvider,
            dev.chorus.engine.amvocoder.FastSpeech2EngineProvider;
}
