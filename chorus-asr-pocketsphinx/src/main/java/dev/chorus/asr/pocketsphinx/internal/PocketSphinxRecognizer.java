package dev.chorus.asr.pocketsphinx.internal;

import dev.chorus.asr.RecognizedWord;
import dev.chorus.asr.Recognizer;
import dev.chorus.asr.Transcript;
import dev.chorus.audio.Resampler;
import dev.chorus.tts.EngineUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * English recognition with PocketSphinx: the library is loaded once into an arena this recognizer owns (and
 * unloaded by {@link #close}), and each thread recognizing at once gets a private decoder from the pool. Input is
 * resampled to 16 kHz, the rate of the acoustic model, and decoded as one utterance.
 */
@SuppressWarnings("restricted")
public final class PocketSphinxRecognizer implements Recognizer {

    static final int MODEL_RATE = 16_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Arena arena;
    private final DecoderPool pool;
    private final String description;

    private PocketSphinxRecognizer(Arena arena, DecoderPool pool, String description) {
        this.arena = arena;
        this.pool = pool;
        this.description = description;
    }

    /**
     * Loads the library and the first decoder (proving the model loads) and returns a recognizer with up to
     * {@code workers} decoders.
     *
     * @throws EngineUnavailableException if the library or the model is missing, naming what to install or set
     * @throws IllegalArgumentException   for an unknown setting or {@code workers < 1}
     */
    public static PocketSphinxRecognizer open(int workers, Map<String, String> settings) {
        PocketSphinxSettings.check(settings);
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: >= 1)");
        }
        String library = LibraryLocator.library(settings.get("library"));
        LibraryLocator.Model model = LibraryLocator.model(settings.get("model"));
        Arena arena = Arena.ofShared();
        try {
            SymbolLookup lookup;
            try {
                lookup = library.contains("/") ? SymbolLookup.libraryLookup(java.nio.file.Path.of(library), arena)
                        : SymbolLookup.libraryLookup(library, arena);
            } catch (IllegalArgumentException e) {
                throw new EngineUnavailableException("PocketSphinx is not installed: " + library + " could not be "
                        + "loaded (" + e.getMessage() + "); " + LibraryLocator.INSTALL + " or set "
                        + PocketSphinxSettings.LIBRARY, e);
            }
            NativeApi.Functions fn;
            try {
                fn = NativeApi.Functions.find(lookup);
            } catch (IllegalStateException e) {
                throw new EngineUnavailableException("PocketSphinx: " + library + ": " + e.getMessage(), e);
            }
            String hmm = model.hmm().toString();
            String lm = model.lm().toString();
            String dict = model.dict().toString();
            DecoderPool pool = new DecoderPool(() -> Decoder.open(fn, hmm, lm, dict), workers, CLOSE_TIMEOUT);
            pool.seed(Decoder.open(fn, hmm, lm, dict));
            return new PocketSphinxRecognizer(arena, pool, "pocketsphinx 5prealpha en-us (" + model.hmm() + ")");
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean supports(String language) {
        return language != null && language.toLowerCase(Locale.ROOT).replace('_', '-').split("-")[0].equals("en");
    }

    @Override
    public Transcript recognize(short[] samples, int offset, int length, int sampleRate) {
        Objects.checkFromIndexSize(offset, length, samples.length);
        long began = System.nanoTime();
        short[] audio = toModelRate(samples, offset, length, sampleRate);
        List<RecognizedWord> words;
        Decoder decoder = pool.acquire();
        try {
            words = decoder.decode(audio);
        } finally {
            pool.release(decoder);
        }
        return new Transcript(words, length * 1000L / sampleRate, System.nanoTime() - began);
    }

    private static short[] toModelRate(short[] samples, int offset, int length, int sampleRate) {
        Resampler resampler = Resampler.create(sampleRate, MODEL_RATE);
        short[] head = resampler.process(samples, offset, length);
        short[] tail = resampler.flush();
        short[] out = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    @Override
    public void close() {
        if (pool.drain()) {
            arena.close();
        } else {
            // A decode outlived the close timeout: unloading the library under it would crash the process.
            System.getLogger(PocketSphinxRecognizer.class.getName()).log(System.Logger.Level.WARNING,
                    "PocketSphinx: a recognition still runs after " + CLOSE_TIMEOUT.toSeconds() + " s; the library "
                            + "stays loaded");
        }
    }
}
