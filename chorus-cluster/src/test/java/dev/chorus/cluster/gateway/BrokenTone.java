package dev.chorus.cluster.gateway;

import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Engine {@code slow} with voice {@code slow:tone}: {@link SlowTone}'s until {@link #failing} is set, then every
 * synthesis fails, as on a worker whose device broke.
 */
final class BrokenTone implements TtsEngineProvider {

    final AtomicInteger calls = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
    private final SlowTone healthy = new SlowTone();

    @Override
    public String id() {
        return "slow";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        TtsEngine inner = healthy.open(context);
        return new TtsEngine() {
            @Override
            public String id() {
                return "slow";
            }

            @Override
            public String description() {
                return "a tone engine that always fails";
            }

            @Override
            public List<VoiceInfo> voices() {
                return List.of(SlowTone.VOICE);
            }

            @Override
            public Voice load(String voiceId) {
                Voice working = inner.load(voiceId);
                return new Voice() {
                    @Override
                    public VoiceInfo info() {
                        return SlowTone.VOICE;
                    }

                    @Override
                    public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
                        if (!failing.get()) {
                            return working.synthesize(text, options, sink);
                        }
                        calls.incrementAndGet();
                        throw new SynthesisException("the engine's device failed");
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
