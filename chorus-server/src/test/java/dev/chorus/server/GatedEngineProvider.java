package dev.chorus.server;

import dev.chorus.testing.Signals;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test engine that makes time step by step: each chunk waits for one permit of {@link #GATE}, which the test
 * hands out, then gives 100 ms of a 440 Hz tone at 16 kHz. So a test decides exactly when each sentence is done
 * and can count the engine's progress in steps instead of milliseconds.
 */
final class GatedEngineProvider implements TtsEngineProvider {

    static final int RATE = 16_000;
    /** Fair, so permits go to the chunks in the order they started waiting. */
    static final Semaphore GATE = new Semaphore(0, true);
    /** Chunks that reached the gate, and those that left it (through it, or stopped while waiting). */
    static final AtomicInteger STARTED = new AtomicInteger();
    static final AtomicInteger FINISHED = new AtomicInteger();

    @Override
    public String id() {
        return "gated";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        VoiceInfo info = new VoiceInfo("gated:tone", "Tone", "en-US", null, RATE, "gated", "1", true);
        return new OneVoiceEngine(info, "gated test tone", GatedVoice::new);
    }

    private record GatedVoice(VoiceInfo info) implements Voice {
        @Override
        public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
            ChunkText.validate(text);
            STARTED.incrementAndGet();
            try {
                GATE.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                FINISHED.incrementAndGet();
                return false;
            }
            short[] block = Signals.sine(440, RATE, RATE / 10, 8000);
            boolean done = sink.onAudio(block, 0, block.length) != AudioSink.Action.STOP;
            FINISHED.incrementAndGet();
            return done;
        }

        @Override
        public void close() {
        }
    }
}
