package dev.chorus.engine.piper;

import dev.chorus.engine.piper.internal.PiperEngine;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;

/**
 * Provides the {@code piper} engine: every Piper voice ({@code NAME.onnx} with {@code NAME.onnx.json} beside it)
 * found in the voice directories, as {@code piper:NAME}, plus {@code piper:NAME#SPEAKER} for each named speaker of a
 * multi-speaker voice. Voices are versioned and reloaded when their files change; see the module's README.
 *
 * <p>Settings (all optional): {@value #VOICES}, {@value #SCAN_INTERVAL}, {@value #INTRA_OP_THREADS},
 * {@value #INTER_OP_THREADS}, {@value #OPTIMIZATION}, {@value #MAX_CONCURRENT_RUNS}, {@value #DEVICE} and
 * {@value #SENTENCE_SILENCE}. A setting that is absent from the engine context is read from the Java system
 * property of the same name.
 */
public final class PiperEngineProvider implements TtsEngineProvider {

    /** The engine id. */
    public static final String ID = "piper";
    /**
     * Voice directories, separated by the platform's path separator; default {@code
     * $XDG_DATA_HOME/chorus/voices} (else {@code ~/.local/share/chorus/voices}) plus {@code ./voices} if it exists.
     */
    public static final String VOICES = "piper.voices";
    /** How often the directories are rescanned, e.g. {@code 2s}, {@code 500ms}; {@code 0} scans only on reload. */
    public static final String SCAN_INTERVAL = "piper.scan-interval";
    /** Threads ONNX Runtime uses inside one run; default: available processors / max concurrent runs, >= 1. */
    public static final String INTRA_OP_THREADS = "piper.intra-op-threads";
    /** Threads ONNX Runtime uses to run independent graph nodes in parallel; default 1 (sequential). */
    public static final String INTER_OP_THREADS = "piper.inter-op-threads";
    /** Graph optimization: {@code none}, {@code basic}, {@code extended} or {@code all} (default). */
    public static final String OPTIMIZATION = "piper.optimization";
    /** Runs of one voice at the same time; default the engine's worker count. */
    public static final String MAX_CONCURRENT_RUNS = "piper.max-concurrent-runs";
    /** {@code cpu} (default) or {@code cuda}; {@code cuda} falls back to the CPU when CUDA is not available. */
    public static final String DEVICE = "piper.device";
    /** Silence after each sentence, e.g. {@code 0.2s} (default, as Piper) or {@code 0}. */
    public static final String SENTENCE_SILENCE = "piper.sentence-silence";

    /** Creates the provider; it does nothing until {@link #open}. */
    public PiperEngineProvider() {
    }

    @Override
    public String id() {
        return ID;
    }

    /**
     * Opens the engine: reads the settings, opens the {@code espeak} engine for its phonemizer (when it is on the
     * class or module path and can run), and loads every voice found.
     *
     * @throws EngineUnavailableException if ONNX Runtime cannot be loaded on this machine
     * @throws IllegalArgumentException   if a setting has an invalid value; the message names it
     */
    @Override
    public TtsEngine open(EngineContext context) {
        return PiperEngine.open(context);
    }
}
