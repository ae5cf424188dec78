/**
 * Chorus public types: requests, voice metadata, errors, and the engine SPI.
 */
module dev.chorus.api {
    exports dev.chorus.tts;
    exports dev.chorus.tts.spi;

    uses dev.chorus.tts.spi.TtsEngineProvider;
}
