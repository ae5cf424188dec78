package dev.chorus.cluster.gateway;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Engine {@code slow} with voice {@code slow:tone}: 100 ms of a word-dependent sine per word, 15 ms a word. */
final class SlowTone implements TtsEngineProvider {

    static final AtomicInteger STOPPED = new AtomicInteger();
    static final AtomicInteger FINISHED = new AtomicInteger();
    static final VoiceInfo VOICE = new VoiceInfo("slow:tone", "Tone", "en-US", null, 16_000, "slow", "1", true);

    @Override
    public String id() {
        return "slow";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        return new TtsEngine() {
            @Override
            public String id() {
                return "slow";
            }

            @Override
            public String description() {
                return "slow test tone";
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
                        long offset = 0;
                        for (String w : text.strip().split("\\s+")) {
                            try {
                                Thread.sleep(15);
                            } catch (InterruptedException e) {
                                STOPPED.incrementAndGet();
                                return false;
                            }
                            short[] s = new short[1_600];
                            double hz = 200 + Math.floorMod(w.hashCode(), 600);
                            for (int i = 0; i < s.length; i++) {
                                s[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * i / 16_000));
                            }
                            if (sink.onEvent(new SynthesisEvent.Word(0, w.length(), offset)) == AudioSink.Action.STOP
                                    || sink.onAudio(s, 0, s.length) == AudioSink.Action.STOP) {
                                STOPPED.incrementAndGet();
                                return false;
                            }
                            offset += s.length;
                        }
                        FINISHED.incrementAndGet();
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
