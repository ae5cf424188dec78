package dev.chorus.engine.espeak.internal;

import dev.chorus.tts.SynthesisException;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The part of eSpeak NG's {@code speak_lib.h} (API revision 12, library 1.51) this engine calls. Handles are
 * unbound: the first argument is the function's address in one particular copy of the library, so every copy
 * shares them.
 */
@SuppressWarnings("restricted")
final class NativeApi {

    static final int AUDIO_OUTPUT_SYNCHRONOUS = 2;
    /** Without it a missing data directory makes {@code espeak_Initialize} call {@code exit(1)}. */
    static final int INITIALIZE_DONT_EXIT = 0x8000;
    static final int CHARS_UTF8 = 1;
    static final int ENDPAUSE = 0x1000;
    static final int POS_CHARACTER = 1;
    static final int PARAMETER_RATE = 1;
    static final int RATE_MINIMUM = 80;
    static final int RATE_NORMAL = 175;
    static final int PHONEMES_IPA = 0x02;
    static final int EE_OK = 0;

    static final int EVENT_LIST_TERMINATED = 0;
    static final int EVENT_WORD = 1;
    static final int EVENT_SENTENCE = 2;

    /** {@code espeak_EVENT}: type, ids, positions, then a pointer and an 8-byte union. */
    static final StructLayout EVENT = MemoryLayout.structLayout(
            JAVA_INT.withName("type"),
            JAVA_INT.withName("unique_identifier"),
            JAVA_INT.withName("text_position"),
            JAVA_INT.withName("length"),
            JAVA_INT.withName("audio_position"),
            JAVA_INT.withName("sample"),
            ADDRESS.withName("user_data"),
            JAVA_LONG.withName("id"));
    static final VarHandle EVENT_TYPE = field(EVENT, "type");
    static final VarHandle EVENT_TEXT_POSITION = field(EVENT, "text_position");
    static final VarHandle EVENT_LENGTH = field(EVENT, "length");
    static final VarHandle EVENT_SAMPLE = field(EVENT, "sample");

    /** {@code espeak_VOICE} as {@code espeak_ListVoices} returns it. */
    static final StructLayout VOICE = MemoryLayout.structLayout(
            ADDRESS.withName("name"),
            ADDRESS.withName("languages"),
            ADDRESS.withName("identifier"),
            JAVA_BYTE.withName("gender"),
            JAVA_BYTE.withName("age"),
            JAVA_BYTE.withName("variant"),
            JAVA_BYTE.withName("xx1"),
            JAVA_INT.withName("score"),
            ADDRESS.withName("spare"));

    /** {@code int SynthCallback(short *wav, int numsamples, espeak_EVENT *events)}. */
    static final FunctionDescriptor SYNTH_CALLBACK = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);

    static final MethodHandle INITIALIZE = downcall(FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
            JAVA_INT));
    static final MethodHandle SET_SYNTH_CALLBACK = downcall(FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle SYNTH = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT,
            JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle SET_PARAMETER = downcall(FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT,
            JAVA_INT));
    static final MethodHandle SET_VOICE_BY_NAME = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle LIST_VOICES = downcall(FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle TEXT_TO_PHONEMES = downcall(FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT,
            JAVA_INT));
    static final MethodHandle INFO = downcall(FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle TERMINATE = downcall(FunctionDescriptor.of(JAVA_INT));

    private NativeApi() {
    }

    /** The addresses of the functions above in one loaded copy of the library. */
    record Functions(MemorySegment initialize, MemorySegment setSynthCallback, MemorySegment synth,
                     MemorySegment setParameter, MemorySegment setVoiceByName, MemorySegment listVoices,
                     MemorySegment textToPhonemes, MemorySegment info, MemorySegment terminate) {

        /** Finds every function in {@code lookup}, failing with the first missing name. */
        static Functions find(SymbolLookup lookup) {
            return new Functions(require(lookup, "espeak_Initialize"), require(lookup, "espeak_SetSynthCallback"),
                    require(lookup, "espeak_Synth"), require(lookup, "espeak_SetParameter"),
                    require(lookup, "espeak_SetVoiceByName"), require(lookup, "espeak_ListVoices"),
                    require(lookup, "espeak_TextToPhonemes"), require(lookup, "espeak_Info"),
                    require(lookup, "espeak_Terminate"));
        }

        private static MemorySegment require(SymbolLookup lookup, String name) {
            return lookup.find(name).orElseThrow(() -> new IllegalStateException(
                    "symbol " + name + " is missing (expected: eSpeak NG 1.49 or newer)"));
        }
    }

    private static MethodHandle downcall(FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(descriptor);
    }

    private static VarHandle field(StructLayout layout, String name) {
        // The trailing offset coordinate lets one handle read the n-th struct of an array.
        return layout.varHandle(MemoryLayout.PathElement.groupElement(name));
    }

    /** A native call; {@code invokeExact} declares {@code Throwable} though these handles throw nothing checked. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Throwable;
    }

    /** A native call without a result. */
    @FunctionalInterface
    interface VoidCall {
        void run() throws Throwable;
    }

    /** Runs {@code call}, passing unchecked exceptions through. */
    static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Runs {@code call}, passing unchecked exceptions through. */
    static void callVoid(VoidCall call) {
        try {
            call.run();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Runs {@code call} on a thread of its own and waits at most {@code limit} for it; returns {@code false} when it
     * is still running then (it is left to finish, or not, on that daemon thread). Exceptions pass through as in
     * {@link #callVoid}.
     */
    static boolean callWithin(Duration limit, String threadName, VoidCall call) throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name(threadName).start(() -> {
            try {
                call.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        try {
            done.get(limit.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /** Throws {@code t} as is if unchecked, else wrapped; declared to return so callers can write {@code throw}. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new SynthesisException("eSpeak NG call failed: " + t, t);
    }
}
