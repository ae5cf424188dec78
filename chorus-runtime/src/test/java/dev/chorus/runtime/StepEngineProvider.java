package dev.chorus.runtime;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scheduling probe engine for runtime tests: for each word it sleeps a set time (a stand-in for model work the
 * tests can control) and emits 10 ms of a constant level equal to 100 x the chunk's word count, so the order of
 * chunks can be read back from the audio. It records which chunk texts started, and how many run at once.
 */
public final class StepEngineProvider implements TtsEngineProvider {

    static final int RATE = 16_000;
    static final Map<String, Long> WORD_MILLIS = new ConcurrentHashMap<>();
    static final List<String> STARTED = new CopyOnWriteArrayList<>();
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final AtomicInteger STOPPED = new AtomicInteger();

    static void reset() {
        WORD_MILLIS.clear();
        STARTED.clear();
        RUNNING.set(0);
        STOPPED.set(0);
    }

    @Override
    public String id() {
        return "step";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        VoiceInfo fast = new VoiceInfo("step:fast", "Fast", "en-US", null, RATE, "step", "1", true);
        VoiceInfo slow = new VoiceInfo("step:slow", "Slow", "en-US", null, RATE, "step", "1", true);
        // Like fast, but reports no word events, so the runtime has to estimate word timings.
        VoiceInfo silent = new VoiceInfo("step:wordless", "Wordless", "en-US", null, RATE, "step", "1", true);
        return new TtsEngine() {
            @Override
            public String id() {
                return "step";
            }

            @Override
            public String description() {
                return "scheduling probe";
            }

            @Override
            public List<VoiceInfo> voices() {
                return List.of(fast, slow, silent);
            }

            @Override
            public Voice load(String voiceId) {
                if (voiceId.equals("step:fast+slow")) {
                    // A composed voice: loads, but is not listed (as a blend of speakers).
                    return new StepVoice(new VoiceInfo(voiceId, "Blend", "en-US", null, RATE, "step", "1", true));
                }
                if (voiceId.startsWith("step:fast+")) {
                    throw new InvalidInputException("voice", "voice: '" + voiceId + "' blends an unknown voice");
                }
                VoiceInfo info = voices().stream().filter(v -> v.id().equals(voiceId)).findFirst()
                        .orElseThrow(() -> new VoiceNotFoundException(voiceId, List.of()));
                return new StepVoice(info);
            }

            @Override
            public void close() {
            }
        };
    }

    private record StepVoice(VoiceInfo info) implements Voice {
        @Override
        public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
            ChunkText.validate(text);
            STARTED.add(text);
            RUNNING.incrementAndGet();
            try {
                String[] words = text.trim().split("\\s+");
                short[] block = new short[RATE / 100];
                java.util.Arrays.fill(block, (short) (100 * words.length));
                long millis = WORD_MILLIS.getOrDefault(info.localName(), 0L);
                int offset = 0;
                for (String w : words) {
                    sleep(millis);
                    boolean reportWords = !info.localName().equals("wordless");
                    if ((reportWords && sink.onEvent(new SynthesisEvent.Word(text.indexOf(w), w.length(),
                            (long) offset * block.length)) == AudioSink.Action.STOP)
                            || sink.onAudio(block, 0, block.length) == AudioSink.Action.STOP) {
                        STOPPED.incrementAndGet();
                        return false;
                    }
                    offset++;
                }
                return true;
            } finally {
                RUNNING.decrementAndGet();
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
        }
    }
}
