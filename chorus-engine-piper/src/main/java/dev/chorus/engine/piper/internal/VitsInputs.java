package dev.chorus.engine.piper.internal;

import ai.onnxruntime.OnnxJavaType;
import dev.chorus.onnx.ModelInterface;
import dev.chorus.onnx.ModelLoadException;
import dev.chorus.onnx.TensorSpec;

import java.util.List;

/**
 * The input names of a VITS model that takes its three scales one by one, as sherpa-onnx runs such models: token
 * ids (int64 [1, N]), their count (int64 [1]), the noise, length and duration-noise scales (float [1] each) and,
 * with several speakers, a speaker id (int64 [1]). sherpa-onnx's own exports name them {@code x, x_length,
 * noise_scale, length_scale, noise_scale_w, sid}; icefall's {@code tokens, tokens_lens, noise_scale, alpha,
 * noise_scale_dur, speaker}.
 */
record VitsInputs(String ids, String length, String noiseScale, String lengthScale, String noiseScaleW, String sid,
                  String description) {

    /** sherpa-onnx's converted VITS models ({@code vits-ljs}, {@code vits-mms-*}, ...). */
    static final VitsInputs SHERPA = new VitsInputs("x", "x_length", "noise_scale", "length_scale", "noise_scale_w",
            "sid", "sherpa-onnx's VITS interface: x, x_length, noise_scale, length_scale, noise_scale_w and, for "
            + "several speakers, sid");

    /** icefall's VITS exports ({@code vits-icefall-*}). */
    static final VitsInputs ICEFALL = new VitsInputs("tokens", "tokens_lens", "noise_scale", "alpha",
            "noise_scale_dur", "speaker", "icefall's VITS interface: tokens, tokens_lens, noise_scale, alpha, "
            + "noise_scale_dur and, for several speakers, speaker");

    /** Returns the names the model uses, or {@code null} when it has neither's first input (Piper's interface). */
    static VitsInputs of(ModelInterface model) {
        return model.hasInput(ICEFALL.ids) ? ICEFALL : model.hasInput(SHERPA.ids) ? SHERPA : null;
    }

    /**
     * Checks the model's inputs against these names.
     *
     * @throws ModelLoadException naming the input that does not fit
     */
    void check(ModelInterface model) throws ModelLoadException {
        TensorSpec one = TensorSpec.of(OnnxJavaType.FLOAT, 1);
        model.onlyInputs(List.of(ids, length, noiseScale, lengthScale, noiseScaleW, sid), description)
                .requireInput(ids, TensorSpec.of(OnnxJavaType.INT64, 1, TensorSpec.ANY), description)
                .requireInput(length, TensorSpec.of(OnnxJavaType.INT64, 1), description)
                .requireInput(noiseScale, one, description)
                .requireInput(lengthScale, one, description)
                .requireInput(noiseScaleW, one, description)
                .optionalInput(sid, TensorSpec.of(OnnxJavaType.INT64, 1));
    }
}
