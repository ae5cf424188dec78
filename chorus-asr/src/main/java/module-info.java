/**
 * Chorus speech recognition: the recognizer SPI, word error rate and scoring normalization.
 */
module dev.chorus.asr {
    requires transitive dev.chorus.api;

    exports dev.chorus.asr;

    uses dev.chorus.asr.RecognizerProvider;
}
