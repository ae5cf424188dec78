/** Chorus runtime: engine registry, voice routing, the synthesis scheduler and the synthesis facade. */
module dev.chorus.runtime {
    requires transitive dev.chorus.api;
    requires transitive dev.chorus.text;
    requires transitive dev.chorus.audio;
    requires transitive dev.chorus.ssml;
    requires com.github.benmanes.caffeine;

    exports dev.chorus.runtime;

    uses dev.chorus.tts.spi.TtsEngineProvider;
}
