package dev.chorus.engine.kokoro;

import dev.chorus.engine.kokoro.internal.KokoroEngine;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;

/**
 * Provides the {@code kokoro} engine: every Kokoro model directory found in the voice directories (recognised by
 * the {@code model_type=kokoro} metadata sherpa-onnx writes, or by {@code voices/*.bin} and {@code tokens.txt}
 * beside the model), one voice {@code kokoro:SPEAKER} per speaker, and blends {@code kokoro:a(2)+b(1)} (the
 * weighted mean of the speakers' style vectors). Two directories naming the same speaker: the first wins.
 *
 * <p>Settings (all optional; absent ones are read from the Java system property of the same name):
 * {@value #VOICES}, the shared {@code voices.dirs} ({@code CHORUS_VOICES}), {@value #SCAN_INTERVAL},
 * {@value #DEVICE}, {@value #INTRA_OP_THREADS}, {@value #MAX_CONCURRENT_RUNS}, {@value #SENTENCE_SILENCE},
 * {@value #BATCH_MAX_SIZE}, {@value #BATCH_MAX_WAIT}.
 */
public final class KokoroEngineProvider implements TtsEngineProvider {

    /** The engine id. */
    public static final String ID = "kokoro";
    /** Kokoro's own voice directories (before the shared {@code voices.dirs}), separated by the path separator. */
    public static final String VOICES = "kokoro.voices";
    /** How often the directories are rescanned, e.g. {@code 2s}; {@code 0} scans only on reload. */
    public static final String SCAN_INTERVAL = "kokoro.scan-interval";
    /** {@code cpu} (default) or {@code cuda}; {@code cuda} falls back to the CPU, with one log line, without it. */
    public static final String DEVICE = "kokoro.device";
    /** Threads ONNX Runtime uses inside one run; default available processors / max concurrent runs. */
    public static final String INTRA_OP_THREADS = "kokoro.intra-op-threads";
    /** Runs of one model at the same time; default the engine's worker count. */
    public static final String MAX_CONCURRENT_RUNS = "kokoro.max-concurrent-runs";
    /** Silence after each sentence, e.g. {@code 0.2s} (default) or {@code 0}. */
    public static final String SENTENCE_SILENCE = "kokoro.sentence-silence";
    /**
     * The most concurrent sentences of one model that run as one batch, default 8; 1 turns batching off. Only models
     * with a {@code durations} output and a batch dimension that pass a probe batch at load are batched.
     */
    public static final String BATCH_MAX_SIZE = "kokoro.batch.max-size";
    /** The longest a sentence waits for others to join its batch, default {@code 5ms}. */
    public static final String BATCH_MAX_WAIT = "kokoro.batch.max-wait";

    /** Creates the provider; it does nothing until {@link #open}. */
    public KokoroEngineProvider() {
    }

    @Override
    public String id() {
        return ID;
    }

    /**
     * Opens the engine: settings, ONNX Runtime, the {@code espeak} phonemizer from the context, every model found.
     *
     * @throws dev.chorus.tts.EngineUnavailableException if ONNX Runtime cannot load here
     * @throws IllegalArgumentException                  if a setting is invalid; the message names it
     */
    @Override
    public TtsEngine open(EngineContext context) {
        return KokoroEngine.open(context);
    }
}
