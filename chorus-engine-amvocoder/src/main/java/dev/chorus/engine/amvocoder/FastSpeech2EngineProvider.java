package dev.chorus.engine.amvocoder;

import dev.chorus.engine.amvocoder.internal.AmEngine;
import dev.chorus.engine.amvocoder.internal.AmKind;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;

/**
 * Provides the {@code fastspeech2} engine: every directory holding a FastSpeech2-style acoustic model (an
 * {@code .onnx} whose {@code model_type} metadata is {@code fastspeech2}), a vocoder beside it ({@code hifigan} or
 * {@code vocos}) and {@code tokens.txt}, as {@code fastspeech2:DIRECTORY}. A model with a {@code durations} output
 * gives word timings. Settings as {@link MatchaEngineProvider}'s, under {@code fastspeech2.}.
 */
public final class FastSpeech2EngineProvider implements TtsEngineProvider {

    /** The engine id. */
    public static final String ID = "fastspeech2";

    /** Creates the provider; it does nothing until {@link #open}. */
    public FastSpeech2EngineProvider() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public TtsEngine open(EngineContext context) {
        return AmEngine.open(context, AmKind.FASTSPEECH2);
    }
}
