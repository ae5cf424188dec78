package dev.chorus.cluster.gateway;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Engine {@code loud} with voice {@code loud:tone}: one second of a word-dependent tone per word, made at once, so
 * a sentence is far more audio than a slow reader takes; counts the words it made.
 */
final class LoudTone implements TtsEngineProvider {

    static final VoiceInfo VOICE = new VoiceInfo("loud:tone", "Loud", "en-US", null, 16_000, "loud", "1", true);
    final AtomicInteger words = new AtomicInteger();

    @Override
    public String id() {
        return "loud";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        return new TtsEngine() {
            @Override
            public String id() {
                return "loud";
            }

            @Override
            public String description() {
                return "a tone engine that makes a lot of audio fast";
            }

            @Override
            public List<VoiceInfo> voices() {
                return List.of(VOICE);
            }

            @Override
            public Voice load(String voiceId) {
                return new Voice() {
                    @Override
                    public VoiceInfo info() {
                        return VOICE;
                    }

                    @Override
                    public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
                        ChunkText.validate(text);
                        for (String w : text.strip().split("\\s+")) {
                            short[] s = new short[16_000];
                            double hz = 200 + Math.floorMod(w.hashCode(), 600);
                            for (int i = 0; i < s.length; i++) {
                                s[i] = (short) (6000 * Math.sin(2 * Math.PI * hz * i / 16_000));
                            }
                            words.incrementAndGet();
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
