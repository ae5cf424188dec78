/**
 * The {@code pocketsphinx} recognizer: PocketSphinx through {@code java.lang.foreign}. Needs
 * {@code --enable-native-access=dev.chorus.asr.pocketsphinx} (or {@code ALL-UNNAMED} on the class path).
 */
module dev.chorus.asr.pocketsphinx {
    requires transitive dev.chorus.asr;
    requires dev.chorus.audio;

    exports dev.chorus.asr.pocketsphinx;

    provides dev.chorus.asr.RecognizerProvider with dev.chorus.asr.pocketsphinx.PocketSphinxProvider;
}
