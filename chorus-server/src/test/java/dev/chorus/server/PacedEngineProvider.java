package dev.chorus.server;

import dev.chorus.testing.Signals;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test engine whose pace the tests control: every word takes {@value #WORD_MILLIS} ms and gives 100 ms of a
 * 440 Hz tone at 16 kHz. It counts the chunks it starts, finishes and stops, so a test can tell that a
 * disconnect stopped the engine, not only the socket.
 */
final class PacedEngineProvider implements TtsEngineProvider {

    static final int RATE = 16_000;
    static final long WORD_MILLIS = 25;
    static final AtomicInteger STARTED = new AtomicInteger();
    static final AtomicInteger FINISHED = new AtomicInteger();
    static final AtomicInteger STOPPED = new AtomicInteger();

    static void reset() {
        STARTED.set(0);
        FINISHED.set(0);
        STOPPED.set(0);
    }

    @Override
    public String id() {
        return "paced";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        VoiceInfo info = new VoiceInfo("paced:tone", "Tone", "en-US", null, RATE, "paced", "1", true);
        return new OneVoiceEngine(info, "paced test tone", ToneVoice::new);
    }

    private record ToneVoice(VoiceInfo info) implements Voice {
        @Override
        public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
            ChunkText.validate(text);
            STARTED.incrementAndGet();
            short[] block = Signals.sine(440, RATE, RATE / 10, 8000);
            String[] words = text.trim().split("\\s+");
            long offset = 0;
            for (String w : words) {
                try {
                    Thread.sleep(WORD_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    STOPPED.incrementAndGet();
                    return false;
                }
                if (sink.onEvent(new SynthesisEvent.Word(Math.max(0, text.indexOf(w)), w.length(), offset))
                        == AudioSink.Action.STOP
                        || sink.onAudio(Arrays.copyOf(block, block.length), 0, block.length) == AudioSink.Action.STOP) {
                    STOPPED.incrementAndGet();
                    return false;
                }
                offset += block.length;
            }
            FINISHED.incrementAndGet();
            return true;
        }

        @Override
        public void close() {
        }
    }
}
