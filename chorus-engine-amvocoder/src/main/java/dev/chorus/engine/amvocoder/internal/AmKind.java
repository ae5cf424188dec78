package dev.chorus.engine.amvocoder.internal;

/** The two acoustic model families: the engine id and the {@code model_type} sherpa-onnx writes for each. */
public enum AmKind {
    /** Matcha-TTS. */
    MATCHA("matcha", "matcha-tts"),
    /** FastSpeech2 and models with its interface. */
    FASTSPEECH2("fastspeech2", "fastspeech2");

    final String engineId;
    final String modelType;

    AmKind(String engineId, String modelType) {
        this.engineId = engineId;
        this.modelType = modelType;
    }
}
