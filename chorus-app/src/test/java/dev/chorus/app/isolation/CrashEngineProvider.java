package dev.chorus.app.isolation;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * A test engine whose native call crashes the process: engine {@code crash}, one voice {@code crash:a}. Each word
 * gives 100 ms of a sine whose pitch depends on the word, and takes {@link #WORD_MILLIS} to make (so concurrent
 * requests overlap); a sentence that contains {@link #MARKER} makes the engine call the C library's {@code memset}
 * on the null address through the FFM linker, a real SIGSEGV in native code (the JVM then writes its fatal error
 * report and aborts), as a crashing native engine would; a sentence that contains {@link #HANG_MARKER} makes it call
 * the C library's {@code sleep} through the FFM linker forever, a native call that never returns.
 */
public final class CrashEngineProvider implements TtsEngineProvider {

    /** The word that crashes the engine (lower case, so text normalization leaves it as it is). */
    public static final String MARKER = "crashnow";
    /** The word that makes the engine's native call hang. */
    public static final String HANG_MARKER = "hangnow";
    /** How long the engine takes per word. */
    static final int WORD_MILLIS = 15;
    static final int RATE = 16_000;

    @Override
    public String id() {
        return "crash";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        List<VoiceInfo> voices = List.of(new VoiceInfo("crash:a", "Crash A", "en-US", null, RATE, "crash", "1", true));
        return new TtsEngine() {
            @Override
            public String id() {
                return "crash";
            }

            @Override
            public String description() {
                return "test tones that crash natively on " + MARKER;
            }

            @Override
            public List<VoiceInfo> voices() {
                return voices;
            }

            @Override
            public Voice load(String voiceId) {
                VoiceInfo info = voices.stream().filter(v -> v.id().equals(voiceId)).findFirst()
                        .orElseThrow(() -> new VoiceNotFoundException(voiceId, List.of()));
                return new CrashVoice(info);
            }

            @Override
            public void close() {
            }
        };
    }

    /** Writes to address zero in native code: the process dies of SIGSEGV. */
    static void crashNatively() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle memset = linker.downcallHandle(linker.defaultLookup().find("memset").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_LONG));
        MemorySegment ignored = (MemorySegment) memset.invokeExact(MemorySegment.NULL, 1, 64L);
        throw new AssertionError("memset on the null address returned " + ignored);
    }

    /** Sleeps in native code for good: the calling thread never comes back, as a hung native engine's would not. */
    static void hangNatively() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle sleep = linker.downcallHandle(linker.defaultLookup().find("sleep").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        while (true) {
            int ignored = (int) sleep.invokeExact(1_000_000);
        }
    }

    private record CrashVoice(VoiceInfo info) implements Voice {
        @Override
        public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
            ChunkText.validate(text);
            if (text.contains(MARKER)) {
                try {
                    crashNatively();
                } catch (Throwable t) {
                    throw new IllegalStateException("the native crash did not happen", t);
                }
            }
            if (text.contains(HANG_MARKER)) {
                try {
                    hangNatively();
                } catch (Throwable t) {
                    throw new IllegalStateException("the native hang ended", t);
                }
            }
            int from = 0;
            long offset = 0;
            for (String w : text.strip().split("\\s+")) {
                int at = Math.max(0, text.indexOf(w, from));
                from = at + w.length();
                try {
                    Thread.sleep(WORD_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                short[] block = tone(w.hashCode());
                if (sink.onEvent(new SynthesisEvent.Word(at, w.length(), offset)) == AudioSink.Action.STOP
                        || sink.onAudio(block, 0, block.length) == AudioSink.Action.STOP) {
                    return false;
                }
                offset += block.length;
            }
            return true;
        }

        private static short[] tone(int seed) {
            double hz = 200 + Math.floorMod(seed, 600);
            short[] s = new short[RATE / 10];
            for (int i = 0; i < s.length; i++) {
                s[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * hz * i / RATE));
            }
            return s;
        }

        @Override
        public void close() {
        }
    }
}
