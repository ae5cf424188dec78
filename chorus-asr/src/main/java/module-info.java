/**
 * Chorus speech recognition: the recognizer SPI, word error rate and scoring normalization; the speech quality
 * (MOS) predictor SPI.
 */
module dev.chorus.asr {
    requires transitive dev.chorus.api;

    exports dev.chorus.asr;
    exports dev.chorus.asr.quality;

    uses dev.chorus.asr.RecognizerProvider;
    uses dev.chorus.asr.quality.MosPredictorProvider;
}
