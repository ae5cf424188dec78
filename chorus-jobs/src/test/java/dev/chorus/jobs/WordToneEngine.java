package dev.chorus.jobs;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic test engine: voice {@code word:a} (en-US, 16 kHz) speaks each word as 40 ms of a tone whose
 * pitch depends on the word, so different texts give different audio; it counts the texts it spoke and can be
 * slowed down per text.
 */
final class WordToneEngine implements TtsEngineProvider {

    static final int RATE = 16_000;
    static final int WORD_SAMPLES = RATE / 25;
    final AtomicInteger texts = new AtomicInteger();
    volatile long delayMillis;

    @Override
    public String id() {
        return "word";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        VoiceInfo a = new VoiceInfo("word:a", "A", "en-US", null, RATE, "word", "1", true);
        return new TtsEngine() {
            @Override
            public String id() {
                return "word";
            }

            @Override
            public String description() {
                return "word tones";
            }

            @Override
            public List<VoiceInfo> voices() {
                return List.of(a);
            }

            @Override
            public Voice load(String voiceId) {
                if (!voiceId.equals(a.id())) {
                    throw new VoiceNotFoundException(voiceId, List.of(a.id()));
                }
                return new Voice() {
                    @Override
                    public VoiceInfo info() {
                        return a;
                    }

                    @Override
                    public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
                        texts.incrementAndGet();
                        if (delayMillis > 0) {
                            try {
                                Thread.sleep(delayMillis);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return false;
                            }
                        }
                        for (String w : text.trim().split("\\s+")) {
                            double hz = 200 + Math.floorMod(w.hashCode(), 800);
                            short[] s = new short[WORD_SAMPLES];
                            for (int i = 0; i < s.length; i++) {
                                s[i] = (short) (6000 * Math.sin(2 * Math.PI * hz * i / RATE));
                            }
                            if (sink.onAudio(s, 0, s.length) == AudioSink.Action.STOP) {
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
