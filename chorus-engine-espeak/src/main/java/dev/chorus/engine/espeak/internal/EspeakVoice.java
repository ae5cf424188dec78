package dev.chorus.engine.espeak.internal;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.Voice;

/**
 * A handle on one eSpeak voice. Cheap: the voice is loaded into an instance when a synthesis needs it, so each
 * {@link EspeakEngine#load} returns a new handle and closing one affects no other.
 */
final class EspeakVoice implements Voice {

    private final EspeakEngine engine;
    private final VoiceCatalog.Entry entry;
    private volatile boolean closed;

    EspeakVoice(EspeakEngine engine, VoiceCatalog.Entry entry) {
        this.engine = engine;
        this.entry = entry;
    }

    @Override
    public VoiceInfo info() {
        return entry.info();
    }

    /**
     * Synthesizes {@code text}; the samples array given to the sink is reused after each call returns.
     *
     * @throws IllegalStateException if this voice or its engine is closed
     */
    @Override
    public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
        if (closed) {
            throw new IllegalStateException("voice " + entry.info().id() + " is closed");
        }
        return engine.synthesize(entry, text, options, sink);
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return entry.info().id();
    }
}
