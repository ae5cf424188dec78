/**
 * Chorus audio: streaming sample-rate conversion, audio encoders (WAV, PCM, MP3, Opus, FLAC, AAC, G.711),
 * prosody effects (time stretch, pitch shift, gain) and WAV file helpers.
 */
module dev.chorus.audio {
    requires transitive dev.chorus.api;
    requires concentus;
    requires jump3r;
    requires java.flac.encoder;

    exports dev.chorus.audio;
}
