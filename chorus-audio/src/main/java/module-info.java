/**
 * Chorus audio: streaming sample-rate conversion, audio encoders and WAV file helpers.
 */
module dev.chorus.audio {
    requires transitive dev.chorus.api;

    exports dev.chorus.audio;
}
