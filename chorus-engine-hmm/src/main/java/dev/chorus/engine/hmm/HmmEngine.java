package dev.chorus.engine.hmm;

import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open {@code hmm} engine. It holds no MaryTTS state of its own: the shared {@link MaryRuntime} outlives it,
 * so closing one engine leaves every other one working.
 */
final class HmmEngine implements TtsEngine {

    static final String ID = "hmm";

    private final MaryRuntime runtime;
    private final HmmVoice voice;
    private final AtomicBoolean closed = new AtomicBoolean();

    HmmEngine(MaryRuntime runtime) {
        this.runtime = runtime;
        this.voice = new HmmVoice(runtime, voiceInfo(runtime));
    }

    private static VoiceInfo voiceInfo(MaryRuntime runtime) {
        return new VoiceInfo(ID + ":" + runtime.voiceName(), "CMU SLT (MaryTTS HSMM)", runtime.language(),
                runtime.gender(), runtime.sampleRate(), ID, runtime.version(), true);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "MaryTTS " + runtime.version() + " (HSMM) in a private class loader, from " + runtime.location();
    }

    @Override
    public List<VoiceInfo> voices() {
        return List.of(voice.info());
    }

    @Override
    public Voice load(String voiceId) {
        if (closed.get()) {
            throw new IllegalStateException("engine " + ID + " is closed");
        }
        if (!voice.info().id().equals(voiceId)) {
            throw new VoiceNotFoundException(voiceId, List.of(voice.info().id()));
        }
        return voice;
    }

    @Override
    public void checkLanguage(VoiceInfo v, String language) {
        HmmVoice.checkLanguage(v, language);
    }

    @Override
    public LanguageReach languageReach() {
        return LanguageReach.VOICE;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            voice.close();
        }
    }
}
