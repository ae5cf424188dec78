package dev.chorus.asr.pocketsphinx.internal;

import dev.chorus.asr.RecognizedWord;
import dev.chorus.tts.EngineUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.chorus.asr.pocketsphinx.internal.NativeApi.call;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One {@code ps_decoder_t} with its configuration. PocketSphinx keeps a decoder's whole state in the decoder, so
 * decoders on one loaded library run side by side; one decoder is not thread-safe, and the {@link DecoderPool}
 * lends it to one thread at a time.
 */
@SuppressWarnings("restricted")
final class Decoder implements AutoCloseable {

    /** Feature frames per second ({@code -frate}, PocketSphinx's default). */
    static final int FRAMES_PER_SECOND = 100;

    private final NativeApi.Functions fn;
    private final MemorySegment config;
    private final MemorySegment decoder;
    private final MemorySegment logmath;

    private Decoder(NativeApi.Functions fn, MemorySegment config, MemorySegment decoder) {
        this.fn = fn;
        this.config = config;
        this.decoder = decoder;
        this.logmath = call(() -> (MemorySegment) NativeApi.PS_GET_LOGMATH.invokeExact(fn.getLogmath(), decoder));
    }

    /**
     * Creates a decoder for 16 kHz audio with the acoustic model {@code hmm}, the language model {@code lm} and the
     * dictionary {@code dict}.
     *
     * @throws EngineUnavailableException if PocketSphinx refuses the configuration or the model
     */
    static Decoder open(NativeApi.Functions fn, String hmm, String lm, String dict) {
        // SphinxBase keeps a few process-wide globals (the log stream above all) that initialization touches:
        // decoders are made one at a time, and logging is off for good, so no decoder writes to a closed stream.
        synchronized (Decoder.class) {
            call(() -> {
                NativeApi.ERR_SET_LOGFP.invokeExact(fn.errSetLogfp(), MemorySegment.NULL);
                return null;
            });
            return openLocked(fn, hmm, lm, dict);
        }
    }

    private static Decoder openLocked(NativeApi.Functions fn, String hmm, String lm, String dict) {
        MemorySegment config;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment args = call(() -> (MemorySegment) NativeApi.PS_ARGS.invokeExact(fn.psArgs()));
            MemorySegment[] s = {arena.allocateFrom("-hmm"), arena.allocateFrom(hmm), arena.allocateFrom("-lm"),
                arena.allocateFrom(lm), arena.allocateFrom("-dict"), arena.allocateFrom(dict),
                arena.allocateFrom("-samprate"), arena.allocateFrom("16000"), MemorySegment.NULL};
            config = call(() -> (MemorySegment) NativeApi.CMD_LN_INIT.invokeExact(fn.cmdLnInit(),
                    MemorySegment.NULL, args, 1, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]));
        }
        if (config.address() == 0) {
            throw new EngineUnavailableException("PocketSphinx refused its configuration (hmm " + hmm + ", lm " + lm
                    + ", dict " + dict + ")");
        }
        MemorySegment decoder = call(() -> (MemorySegment) NativeApi.PS_INIT.invokeExact(fn.init(), config));
        if (decoder.address() == 0) {
            call(() -> (int) NativeApi.CMD_LN_FREE_R.invokeExact(fn.cmdLnFree(), config));
            throw new EngineUnavailableException("PocketSphinx could not load its model (hmm " + hmm + ", lm " + lm
                    + ", dict " + dict + "); install the Debian package pocketsphinx-en-us or fix pocketsphinx.model");
        }
        return new Decoder(fn, config, decoder);
    }

    /** Decodes {@code samples} (16 kHz mono) as one utterance and returns the words heard, fillers left out. */
    List<RecognizedWord> decode(short[] samples) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pcm = arena.allocate(JAVA_SHORT, Math.max(1, samples.length));
            MemorySegment.copy(samples, 0, pcm, JAVA_SHORT, 0, samples.length);
            check("ps_start_utt", call(() -> (int) NativeApi.PS_START_UTT.invokeExact(fn.startUtt(), decoder)));
            int frames = call(() -> (int) NativeApi.PS_PROCESS_RAW.invokeExact(fn.processRaw(), decoder, pcm,
                    (long) samples.length, 0, 1));
            check("ps_process_raw", frames);
            check("ps_end_utt", call(() -> (int) NativeApi.PS_END_UTT.invokeExact(fn.endUtt(), decoder)));
            MemorySegment score = arena.allocate(JAVA_INT);
            MemorySegment hyp = call(() -> (MemorySegment) NativeApi.PS_GET_HYP.invokeExact(fn.getHyp(), decoder,
                    score));
            if (hyp.address() == 0) {
                return List.of();
            }
            return segments(arena);
        }
    }

    private List<RecognizedWord> segments(Arena arena) {
        List<RecognizedWord> words = new ArrayList<>();
        MemorySegment start = arena.allocate(JAVA_INT);
        MemorySegment end = arena.allocate(JAVA_INT);
        MemorySegment a = arena.allocate(JAVA_INT);
        MemorySegment l = arena.allocate(JAVA_INT);
        MemorySegment b = arena.allocate(JAVA_INT);
        MemorySegment seg = call(() -> (MemorySegment) NativeApi.PS_SEG_ITER.invokeExact(fn.segIter(), decoder));
        // ps_seg_next frees the iterator when it returns NULL; the guard bounds a corrupt list.
        for (int guard = 0; seg.address() != 0 && guard < 100_000; guard++) {
            MemorySegment current = seg;
            MemorySegment word = call(() -> (MemorySegment) NativeApi.PS_SEG_WORD.invokeExact(fn.segWord(),
                    current));
            call(() -> {
                NativeApi.PS_SEG_FRAMES.invokeExact(fn.segFrames(), current, start, end);
                return null;
            });
            int prob = call(() -> (int) NativeApi.PS_SEG_PROB.invokeExact(fn.segProb(), current, a, l, b));
            double confidence = call(() -> (double) NativeApi.LOGMATH_EXP.invokeExact(fn.logmathExp(), logmath,
                    prob));
            String text = word.address() == 0 ? "" : WordNames.spoken(word.reinterpret(1024).getString(0));
            if (!text.isEmpty()) {
                long from = start.get(JAVA_INT, 0) * 1000L / FRAMES_PER_SECOND;
                long to = (end.get(JAVA_INT, 0) + 1) * 1000L / FRAMES_PER_SECOND;
                words.add(new RecognizedWord(text, Math.max(0, from), Math.max(from, to),
                        Math.clamp(confidence, 0.0, 1.0)));
            }
            seg = call(() -> (MemorySegment) NativeApi.PS_SEG_NEXT.invokeExact(fn.segNext(), current));
        }
        if (seg.address() != 0) {
            MemorySegment left = seg;
            call(() -> {
                NativeApi.PS_SEG_FREE.invokeExact(fn.segFree(), left);
                return null;
            });
        }
        return words;
    }

    private static void check(String what, int status) {
        if (status < 0) {
            throw new IllegalStateException("PocketSphinx: " + what + " failed with status " + status);
        }
    }

    /** Frees the decoder and its configuration; the caller guarantees no decode is running. */
    @Override
    public void close() {
        call(() -> (int) NativeApi.PS_FREE.invokeExact(fn.free(), decoder));
        call(() -> (int) NativeApi.CMD_LN_FREE_R.invokeExact(fn.cmdLnFree(), config));
    }
}
