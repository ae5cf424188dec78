package dev.chorus.server;

import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;

import java.util.List;
import java.util.function.Function;

/** A test engine with one voice, made by {@code voice} each time it is loaded. */
record OneVoiceEngine(VoiceInfo info, String description, Function<VoiceInfo, Voice> voice) implements TtsEngine {

    @Override
    public String id() {
        return info.engine();
    }

    @Override
    public List<VoiceInfo> voices() {
        return List.of(info);
    }

    @Override
    public Voice load(String voiceId) {
        if (!voiceId.equals(info.id())) {
            throw new VoiceNotFoundException(voiceId, List.of());
        }
        return voice.apply(info);
    }

    @Override
    public void close() {
    }
}
