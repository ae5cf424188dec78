package dev.chorus.asr.pocketsphinx.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The part of PocketSphinx 5prealpha's {@code pocketsphinx.h} and SphinxBase's {@code cmd_ln.h} and
 * {@code logmath.h} this recognizer calls. Handles are unbound: the first argument is the function's address in
 * the loaded library (SphinxBase's functions are found through libpocketsphinx, which links it).
 */
@SuppressWarnings("restricted")
final class NativeApi {

    /** The name/value pairs {@link #CMD_LN_INIT} takes after its fixed arguments, and the terminating NULL. */
    static final int CONFIG_STRINGS = 9;

    /** {@code cmd_ln_t *cmd_ln_init(cmd_ln_t *inout, arg_t const *defn, int32 strict, ...)}, NULL-terminated. */
    static final MethodHandle CMD_LN_INIT = Linker.nativeLinker().downcallHandle(
            FunctionDescriptor.of(ADDRESS, prepend(ADDRESS, ADDRESS, JAVA_INT, CONFIG_STRINGS)),
            Linker.Option.firstVariadicArg(3));
    static final MethodHandle CMD_LN_FREE_R = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle PS_ARGS = downcall(FunctionDescriptor.of(ADDRESS));
    static final MethodHandle PS_INIT = downcall(FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle PS_FREE = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle PS_START_UTT = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle PS_PROCESS_RAW = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG,
            JAVA_INT, JAVA_INT));
    static final MethodHandle PS_END_UTT = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle PS_GET_HYP = downcall(FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle PS_SEG_ITER = downcall(FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle PS_SEG_NEXT = downcall(FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle PS_SEG_WORD = downcall(FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle PS_SEG_FRAMES = downcall(FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle PS_SEG_PROB = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
            ADDRESS));
    static final MethodHandle PS_SEG_FREE = downcall(FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle PS_GET_LOGMATH = downcall(FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle LOGMATH_EXP = downcall(FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_INT));
    /** {@code void err_set_logfp(FILE *stream)}: NULL turns SphinxBase's process-wide log off. */
    static final MethodHandle ERR_SET_LOGFP = downcall(FunctionDescriptor.ofVoid(ADDRESS));

    private NativeApi() {
    }

    /** The addresses of the functions above in the loaded library. */
    record Functions(MemorySegment cmdLnInit, MemorySegment cmdLnFree, MemorySegment psArgs, MemorySegment init,
                     MemorySegment free, MemorySegment startUtt, MemorySegment processRaw, MemorySegment endUtt,
                     MemorySegment getHyp, MemorySegment segIter, MemorySegment segNext, MemorySegment segWord,
                     MemorySegment segFrames, MemorySegment segProb, MemorySegment segFree,
                     MemorySegment getLogmath, MemorySegment logmathExp, MemorySegment errSetLogfp) {

        /** Finds every function in {@code lookup}, failing with the first missing name. */
        static Functions find(SymbolLookup lookup) {
            return new Functions(require(lookup, "cmd_ln_init"), require(lookup, "cmd_ln_free_r"),
                    require(lookup, "ps_args"), require(lookup, "ps_init"), require(lookup, "ps_free"),
                    require(lookup, "ps_start_utt"), require(lookup, "ps_process_raw"),
                    require(lookup, "ps_end_utt"), require(lookup, "ps_get_hyp"), require(lookup, "ps_seg_iter"),
                    require(lookup, "ps_seg_next"), require(lookup, "ps_seg_word"),
                    require(lookup, "ps_seg_frames"), require(lookup, "ps_seg_prob"),
                    require(lookup, "ps_seg_free"), require(lookup, "ps_get_logmath"),
                    require(lookup, "logmath_exp"), require(lookup, "err_set_logfp"));
        }

        private static MemorySegment require(SymbolLookup lookup, String name) {
            return lookup.find(name).orElseThrow(() -> new IllegalStateException(
                    "symbol " + name + " is missing (expected: PocketSphinx 5prealpha with SphinxBase)"));
        }
    }

    private static MethodHandle downcall(FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(descriptor);
    }

    private static java.lang.foreign.MemoryLayout[] prepend(java.lang.foreign.MemoryLayout a,
                                                            java.lang.foreign.MemoryLayout b,
                                                            java.lang.foreign.MemoryLayout c, int addresses) {
        java.lang.foreign.MemoryLayout[] out = new java.lang.foreign.MemoryLayout[3 + addresses];
        out[0] = a;
        out[1] = b;
        out[2] = c;
        java.util.Arrays.fill(out, 3, out.length, ADDRESS);
        return out;
    }

    /** A native call; {@code invoke} declares {@code Throwable} though these handles throw nothing checked. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Throwable;
    }

    /** Runs {@code call}, passing unchecked exceptions through and wrapping the rest. */
    static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("PocketSphinx call failed: " + t, t);
        }
    }
}
