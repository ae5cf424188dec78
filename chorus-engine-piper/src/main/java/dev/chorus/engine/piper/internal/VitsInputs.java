package dev.chorus.engine.piper.internal;

import ai.onnxruntime.OnnxJavaType;
import dev.chorus.onnx.ModelInterface;
import dev.chorus.onnx.ModelLoadException;
import dev.chorus.onnx.TensorSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The input names of a VITS model that takes its three scales one by one, as sherpa-onnx runs such models: token
 * ids (int64 [1, N]), their count (int64 [1]), the noise, length and duration-noise scales (float [1] each) and,
 * with several speakers, a speaker id (int64 [1]). sherpa-onnx's own exports name them {@code x, x_length,
 * noise_scale, length_scale, noise_scale_w, sid}; icefall's {@code tokens, tokens_lens, noise_scale, alpha,
 * noise_scale_dur, speaker}. MeloTTS's exports also take a tone per id ({@code tones}, int64 [1, N]) and always a
 * speaker id: {@code x, x_lengths, tones, sid, noise_scale, length_scale, noise_scale_w}.
 *
 * @param tones the tones' input, or {@code null} when the model takes none (all but MeloTTS)
 */
record VitsInputs(String ids, String length, String tones, String noiseScale, String lengthScale,
                  String noiseScaleW, String sid, String description) {

    /** sherpa-onnx's converted VITS models ({@code vits-ljs}, {@code vits-mms-*}, ...). */
    static final VitsInputs SHERPA = new VitsInputs("x", "x_length", null, "noise_scale", "length_scale",
            "noise_scale_w", "sid", "sherpa-onnx's VITS interface: x, x_length, noise_scale, length_scale, "
            + "noise_scale_w and, for several speakers, sid");

    /** icefall's VITS exports ({@code vits-icefall-*}). */
    static final VitsInputs ICEFALL = new VitsInputs("tokens", "tokens_lens", null, "noise_scale", "alpha",
            "noise_scale_dur", "speaker", "icefall's VITS interface: tokens, tokens_lens, noise_scale, alpha, "
            + "noise_scale_dur and, for several speakers, speaker");

    /** MeloTTS's exports ({@code vits-melo-tts-*}). */
    static final VitsInputs MELO = new VitsInputs("x", "x_lengths", "tones", "noise_scale", "length_scale",
            "noise_scale_w", "sid", "MeloTTS's interface: x, x_lengths, tones, sid, noise_scale, length_scale and "
            + "noise_scale_w");

    /**
     * Returns the names the model uses, or {@code null} when it has none of their first inputs (Piper's
     * interface). A model with {@code tones} is a MeloTTS one.
     */
    static VitsInputs of(ModelInterface model) {
        return model.hasInput(MELO.tones) ? MELO : model.hasInput(ICEFALL.ids) ? ICEFALL
                : model.hasInput(SHERPA.ids) ? SHERPA : null;
    }

    /** Returns whether the model takes a tone per id (MeloTTS). */
    boolean takesTones() {
        return tones != null;
    }

    /**
     * Checks the model's inputs against these names.
     *
     * @throws ModelLoadException naming the input that does not fit
     */
    void check(ModelInterface model) throws ModelLoadException {
        TensorSpec one = TensorSpec.of(OnnxJavaType.FLOAT, 1);
        TensorSpec row = TensorSpec.of(OnnxJavaType.INT64, 1, TensorSpec.ANY);
        TensorSpec speaker = TensorSpec.of(OnnxJavaType.INT64, 1);
        List<String> names = new ArrayList<>(List.of(ids, length, noiseScale, lengthScale, noiseScaleW, sid));
        if (tones != null) {
            names.add(tones);
        }
        ModelInterface m = model.onlyInputs(names, description)
                .requireInput(ids, row, description)
                .requireInput(length, TensorSpec.of(OnnxJavaType.INT64, 1), description)
                .requireInput(noiseScale, one, description)
                .requireInput(lengthScale, one, description)
                .requireInput(noiseScaleW, one, description);
        if (tones != null) {
            // MeloTTS's exports always take a speaker, even with one.
            m.requireInput(tones, row, description).requireInput(sid, speaker, description);
        } else {
            m.optionalInput(sid, speaker);
        }
    }
}
