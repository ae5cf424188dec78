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

/**
 * Engine {@code wordless} with voice {@code wordless:tone} at 22.05 kHz: 70 ms of a word-dependent sine per word
 * and no word timings, so the runtime estimates them (by weight over each sentence's output length).
 */
final class WordlessTone implements TtsEngineProvider {

    static final VoiceInfo VOICE = new VoiceInfo("wordless:tone", "Wordless", "en-US", null, 22_050, "wordless",
            "1", true);

    @Override
    public String id() {
        return "wordless";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        return new TtsEngine() {
            @Override
            public String id() {
                return "wordless";
            }

            @Override
            public String description() {
                return "tone without word timings";
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
                            // An odd length, so resampled sentences do not end on whole output samples.
                            short[] s = new short[1_543];
                            double hz = 150 + Math.floorMod(w.hashCode(), 500);
                            for (int i = 0; i < s.length; i++) {
                                s[i] = (short) (7000 * Math.sin(2 * Math.PI * hz * i / 22_050));
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
