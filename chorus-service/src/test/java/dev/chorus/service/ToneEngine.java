package dev.chorus.service;

import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test engine for the pipeline's tests: voice {@code tone:a} (en-US) and {@code tone:b} (de-DE) speak 100 ms of a
 * 440 Hz (a) or 660 Hz (b) tone per word at 16 kHz, and count what they were asked to speak. Each speaks only
 * its own language, and refuses another at synthesis as an engine with one language's text analysis does.
 */
final class ToneEngine implements TtsEngineProvider {

    static final int RATE = 16_000;
    final AtomicInteger sentences = new AtomicInteger();

    @Override
    public String id() {
        return "tone";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        VoiceInfo a = new VoiceInfo("tone:a", "A", "en-US", null, RATE, "tone", "1", true);
        VoiceInfo b = new VoiceInfo("tone:b", "B", "de-DE", null, RATE, "tone", "1", true);
        return new TtsEngine() {
            @Override
            public String id() {
                return "tone";
            }

            @Override
            public String description() {
                return "test tones";
            }

            @Override
            public List<VoiceInfo> voices() {
                return List.of(a, b);
            }

            @Override
            public void checkLanguage(VoiceInfo voice, String language) {
                if (language != null && !Locale.forLanguageTag(language).getLanguage()
                        .equals(voice.locale().getLanguage())) {
                    throw new InvalidInputException("language", "language: " + language + " (expected: "
                            + voice.language() + " for voice " + voice.id() + ")");
                }
            }

            @Override
            public Voice load(String voiceId) {
                VoiceInfo info = voices().stream().filter(v -> v.id().equals(voiceId)).findFirst()
                        .orElseThrow(() -> new VoiceNotFoundException(voiceId, List.of()));
                return new Voice() {
                    @Override
                    public VoiceInfo info() {
                        return info;
                    }

                    @Override
                    public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
                        checkLanguage(info, options.language());
                        sentences.incrementAndGet();
                        double hz = info == a ? 440 : 660;
                        short[] word = new short[RATE / 10];
                        for (int i = 0; i < word.length; i++) {
                            word[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * i / RATE));
                        }
                        for (String ignored : text.trim().split("\\s+")) {
                            if (sink.onAudio(word, 0, word.length) == AudioSink.Action.STOP) {
                                return false;
                            }
                        }
                        return true;
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public void close() {
            }
        };
    }
}
