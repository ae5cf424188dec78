/**
 * The {@code espeak} engine: eSpeak NG in-process through {@code java.lang.foreign}, plus its IPA phonemizer.
 * Needs {@code --enable-native-access=dev.chorus.engine.espeak} (or {@code ALL-UNNAMED} on the class path).
 */
module dev.chorus.engine.espeak {
    requires transitive dev.chorus.api;

    exports dev.chorus.engine.espeak;

    provides dev.chorus.tts.spi.TtsEngineProvider with dev.chorus.engine.espeak.EspeakEngineProvider;
}
