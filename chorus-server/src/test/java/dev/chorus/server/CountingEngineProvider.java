package dev.chorus.server;

import dev.chorus.testing.Signals;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test engine that counts its work: how many times it was asked to speak each text. Every word gives 50 ms of a
 * tone whose pitch depends on the word (so different sentences sound different) and a word event, and takes
 * {@link #wordMillis} ms. A text containing {@link #FAIL_WORD} fails while {@link #failing} is set.
 */
final class CountingEngineProvider implements TtsEngineProvider {

    static final int RATE = 16_000;
    static final int WORD_SAMPLES = RATE / 20;
    static final String FAIL_WORD = "explode";
    static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    static final AtomicLong wordMillis = new AtomicLong();
    static volatile boolean failing;

    /** Returns how many times the engine was asked to speak {@code text} (as the engine got it, trimmed). */
    static int calls(String text) {
        AtomicInteger n = CALLS.get(text.trim());
        return n == null ? 0 : n.get();
    }

    /** Returns how many times the engine was asked to speak anything. */
    static int totalCalls() {
        return CALLS.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public String id() {
        return "counting";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        VoiceInfo info = new VoiceInfo("counting:tone", "Counting tone", "en-US", null, RATE, "counting", "1", true);
        return new OneVoiceEngine(info, "counting test tone", CountingVoice::new);
    }

    private record CountingVoice(VoiceInfo info) implements Voice {
        @Override
        public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
            ChunkText.validate(text);
            CALLS.computeIfAbsent(text.trim(), k -> new AtomicInteger()).incrementAndGet();
            if (failing && text.contains(FAIL_WORD)) {
                throw new SynthesisException("the counting engine was told to fail on '" + FAIL_WORD + "'");
            }
            int from = 0;
            long offset = 0;
            for (String w : text.trim().split("\\s+")) {
                int at = text.indexOf(w, from);
                from = at + w.length();
                try {
                    Thread.sleep(wordMillis.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                double hz = 200 + Math.floorMod(w.hashCode(), 600);
                short[] block = Signals.sine(hz, RATE, WORD_SAMPLES, 6000);
                if (sink.onEvent(new SynthesisEvent.Word(at, w.length(), offset)) == AudioSink.Action.STOP
                        || sink.onAudio(block, 0, block.length) == AudioSink.Action.STOP) {
                    return false;
                }
                offset += block.length;
            }
            return true;
        }

        @Override
        public void close() {
        }
    }
}
