package dev.chorus.engine.amvocoder;

import dev.chorus.engine.amvocoder.internal.AmEngine;
import dev.chorus.engine.amvocoder.internal.AmKind;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;

/**
 * Provides the {@code matcha} engine: every directory holding a Matcha acoustic model (an {@code .onnx} whose
 * {@code model_type} metadata is {@code matcha-tts}, as sherpa-onnx writes it), a vocoder beside it
 * ({@code model_type} {@code hifigan} or {@code vocos}) and {@code tokens.txt}, as {@code matcha:DIRECTORY}.
 *
 * <p>Settings (all optional; absent ones are read from the Java system property of the same name):
 * {@code matcha.voices} (directories before the shared {@code voices.dirs}), {@code matcha.scan-interval},
 * {@code matcha.device}, {@code matcha.intra-op-threads}, {@code matcha.max-concurrent-runs},
 * {@code matcha.sentence-silence}, {@value #NOISE_SCALE}, {@value #STEPS}.
 */
public final class MatchaEngineProvider implements TtsEngineProvider {

    /** The engine id. */
    public static final String ID = "matcha";
    /** The noise scale of Matcha's ODE start, default 0.667. */
    public static final String NOISE_SCALE = "matcha.noise-scale";
    /** The ODE steps, for models with an {@code n_timesteps} input; default 3. */
    public static final String STEPS = "matcha.steps";

    /** Creates the provider; it does nothing until {@link #open}. */
    public MatchaEngineProvider() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public TtsEngine open(EngineContext context) {
        return AmEngine.open(context, AmKind.MATCHA);
    }
}
