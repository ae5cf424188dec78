package dev.chorus.testing.piper;

import dev.chorus.testing.onnx.OnnxWriter;

import java.util.Map;

/**
 * Writes tiny models with the interface of the VITS models sherpa-onnx publishes that are not Piper exports
 * ({@code vits-ljs}, {@code vits-vctk}, {@code vits-mms-*}), whose audio is easy to predict.
 *
 * <p>The model reads {@code x} (int64 [1, N] token ids), {@code x_length} (int64 [1]), {@code noise_scale},
 * {@code length_scale} and {@code noise_scale_w} (float [1] each) and, for several speakers, {@code sid} (int64
 * [1]). Each of the first {@code x_length} ids becomes a sine tone of {@code 100 + 20 × id} Hz lasting
 * {@link TestVoiceGenerator#framesPerId(double)} frames of {@value TestVoiceGenerator#HOP_LENGTH} samples; the
 * tones follow each other in {@code y} (float [1, 1, T]). The amplitude is 0.5, or {@code 0.25 × (sid + 1)} when
 * the model has speakers. An id of {@code numSymbols} or more fails the run. The metadata is written as given.
 *
 * <p>{@link #model(Layout, int, boolean, Map)} writes the same model with the interface of other exporters
 * ({@link Layout}): Coqui TTS's ({@code input}, {@code input_lengths}, {@code scales} float [3], {@code sid}; output
 * {@code output} float [1, 1, T]), icefall's ({@code tokens}, {@code tokens_lens}, {@code noise_scale},
 * {@code alpha}, {@code noise_scale_dur}, {@code speaker}; output {@code audio} float [1, T]) and MeloTTS's
 * ({@link #meloModel}, {@code vits-melo-tts-*}: {@code x}, {@code x_lengths}, {@code tones} (int64 [1, N], one tone
 * per id), {@code sid}, {@code noise_scale}, {@code length_scale}, {@code noise_scale_w}; output {@code y}); a
 * MeloTTS tone {@code t} raises its id's frequency by {@code t × }{@value #HZ_PER_TONE} Hz, and a MeloTTS model
 * always has {@code sid}.
 */
public final class SherpaVitsTestModel {

    /** The input and output names and shapes of an exporter. */
    public enum Layout {
        /** sherpa-onnx's VITS exports: {@code x, x_length, noise_scale, length_scale, noise_scale_w, sid -> y}. */
        SHERPA,
        /** Coqui TTS's {@code export_onnx}: {@code input, input_lengths, scales, sid -> output}. */
        COQUI,
        /** icefall's {@code export-onnx.py}: {@code tokens, tokens_lens, noise_scale, alpha, noise_scale_dur,
         * speaker -> audio}. */
        ICEFALL,
        /** MeloTTS's exports: {@code x, x_lengths, tones, sid, noise_scale, length_scale, noise_scale_w -> y}. */
        MELO
    }

    /** Frequency of id 0, in Hz. */
    public static final double BASE_HZ = 100;

    /** Hz a MeloTTS tone adds to its id's frequency. */
    public static final double HZ_PER_TONE = 5;

    private SherpaVitsTestModel() {
    }

    /** Returns the samples the model produces for {@code ids} ids at {@code lengthScale}. */
    public static int samples(int ids, double lengthScale) {
        return ids * TestVoiceGenerator.framesPerId(lengthScale) * TestVoiceGenerator.HOP_LENGTH;
    }

    /**
     * Returns a model.
     *
     * @param numSymbols ids below this are accepted
     * @param withSid    whether the model has the {@code sid} input
     * @param metadata   the {@code metadata_props} to write ({@code model_type}, {@code comment}, ...)
     */
    public static byte[] model(int numSymbols, boolean withSid, Map<String, String> metadata) {
        return model(Layout.SHERPA, numSymbols, withSid, metadata);
    }

    /**
     * Returns a model with MeloTTS's interface (see the class description), always with {@code sid}.
     *
     * @param numSymbols ids below this are accepted
     * @param metadata   the {@code metadata_props} to write ({@code model_type=melo-vits}, {@code comment=melo}, ...)
     */
    public static byte[] meloModel(int numSymbols, Map<String, String> metadata) {
        return model(Layout.MELO, numSymbols, true, metadata);
    }

    /**
     * Returns a model with the interface of {@code layout}.
     *
     * @param numSymbols ids below this are accepted
     * @param withSid    whether the model has the speaker input
     * @param metadata   the {@code metadata_props} to write ({@code model_type}, {@code comment}, ...)
     */
    public static byte[] model(Layout layout, int numSymbols, boolean withSid, Map<String, String> metadata) {
        boolean melo = layout == Layout.MELO;
        withSid |= melo;
        float[] table = new float[numSymbols];
        for (int i = 0; i < table.length; i++) {
            table[i] = (float) (BASE_HZ + TestVoiceGenerator.HZ_PER_ID * i);
        }
        OnnxWriter g = new OnnxWriter();
        String ids = "x";
        String length = "x_length";
        String sid = "sid";
        switch (layout) {
            case SHERPA -> g.input("x", OnnxWriter.INT64, 1L, "tokens")
                    .input("x_length", OnnxWriter.INT64, 1L)
                    .input("noise_scale", OnnxWriter.FLOAT, 1L)
                    .input("length_scale", OnnxWriter.FLOAT, 1L)
                    .input("noise_scale_w", OnnxWriter.FLOAT, 1L);
            case COQUI -> {
                ids = "input";
                length = "input_lengths";
                g.input(ids, OnnxWriter.INT64, "batch_size", "phonemes")
                        .input(length, OnnxWriter.INT64, "batch_size")
                        .input("scales", OnnxWriter.FLOAT, 3L);
            }
            case ICEFALL -> {
                ids = "tokens";
                length = "tokens_lens";
                sid = "speaker";
                g.input(ids, OnnxWriter.INT64, "N", "T")
                        .input(length, OnnxWriter.INT64, "N")
                        .input("noise_scale", OnnxWriter.FLOAT, 1L)
                        .input("alpha", OnnxWriter.FLOAT, 1L)
                        .input("noise_scale_dur", OnnxWriter.FLOAT, 1L);
            }
            case MELO -> {
                length = "x_lengths";
                g.input("x", OnnxWriter.INT64, 1L, "tokens")
                        .input(length, OnnxWriter.INT64, 1L)
                        .input("tones", OnnxWriter.INT64, 1L, "tokens")
                        .input(sid, OnnxWriter.INT64, 1L)
                        .input("noise_scale", OnnxWriter.FLOAT, 1L)
                        .input("length_scale", OnnxWriter.FLOAT, 1L)
                        .input("noise_scale_w", OnnxWriter.FLOAT, 1L);
            }
            default -> throw new IllegalArgumentException("layout: " + layout);
        }
        if (withSid && !melo) {
            g.input(sid, OnnxWriter.INT64, layout == Layout.ICEFALL ? "N" : 1L);
        }
        switch (layout) {
            case SHERPA, MELO -> g.output("y", OnnxWriter.FLOAT, 1L, 1L, "time");
            case COQUI -> g.output("output", OnnxWriter.FLOAT, "batch_size", "time1", "time2");
            default -> g.output("audio", OnnxWriter.FLOAT, "N", "T");
        }
        metadata.forEach(g::metadata);
        g.constant("frames_per_id", new float[] {TestVoiceGenerator.FRAMES_PER_ID})
                .constant("one_f", new float[] {1})
                .constant("hop_length", new long[] {TestVoiceGenerator.HOP_LENGTH})
                .constant("zero_i", new long[] {0})
                .constant("one_i", new long[] {1})
                .constant("flat", new long[] {-1}, 1)
                .constant("start0", new long[] {0}, 1)
                .constant("axis0", new long[] {0}, 1)
                .constant("axis1", new long[] {1}, 1)
                .constant("frequencies", table, numSymbols)
                .constant("omega", new float[] {(float) (2 * Math.PI / TestVoiceGenerator.SAMPLE_RATE)})
                .constant("output_shape", layout == Layout.ICEFALL ? new long[] {1, -1} : new long[] {1, 1, -1},
                        layout == Layout.ICEFALL ? 2 : 3);
        if (layout == Layout.COQUI) {
            // scales = [noise_scale, length_scale, noise_scale_w]
            g.constant("length_index", new long[] {1}, 1)
                    .node("Gather", new String[] {"scales", "length_index"}, "length_flat", "axis", 0);
        } else {
            g.node("Reshape", new String[] {layout == Layout.ICEFALL ? "alpha" : "length_scale", "flat"},
                    "length_flat");
        }
        g.node("Squeeze", new String[] {"length_flat", "axis0"}, "length_scalar")
                .node("Mul", new String[] {"length_scalar", "frames_per_id"}, "frames_raw")
                .node("Round", new String[] {"frames_raw"}, "frames_round")
                .node("Max", new String[] {"frames_round", "one_f"}, "frames")
                .node("Cast", new String[] {"frames"}, "frames_i", "to", OnnxWriter.INT64)
                .node("Mul", new String[] {"frames_i", "hop_length"}, "tone_length")
                .node("Reshape", new String[] {ids, "flat"}, "ids_all")
                .node("Slice", new String[] {"ids_all", "start0", length, "axis0"}, "ids")
                .node("Gather", new String[] {"frequencies", "ids"}, melo ? "id_hz" : "hz", "axis", 0);
        if (melo) {
            g.constant("hz_per_tone", new float[] {(float) HZ_PER_TONE})
                    .node("Reshape", new String[] {"tones", "flat"}, "tones_all")
                    .node("Slice", new String[] {"tones_all", "start0", length, "axis0"}, "tone_ids")
                    .node("Cast", new String[] {"tone_ids"}, "tone_f", "to", OnnxWriter.FLOAT)
                    .node("Mul", new String[] {"tone_f", "hz_per_tone"}, "tone_hz")
                    .node("Add", new String[] {"id_hz", "tone_hz"}, "hz");
        }
        g.node("Unsqueeze", new String[] {"hz", "axis1"}, "hz_column")
                .node("Range", new String[] {"zero_i", "tone_length", "one_i"}, "t_i")
                .node("Cast", new String[] {"t_i"}, "t", "to", OnnxWriter.FLOAT)
                .node("Mul", new String[] {"t", "omega"}, "t_omega")
                .node("Unsqueeze", new String[] {"t_omega", "axis0"}, "t_row")
                .node("Mul", new String[] {"hz_column", "t_row"}, "phase")
                .node("Sin", new String[] {"phase"}, "wave");
        if (withSid) {
            g.constant("speaker_step", new float[] {0.25f})
                    .node("Cast", new String[] {sid}, "sid_f", "to", OnnxWriter.FLOAT)
                    .node("Add", new String[] {"sid_f", "one_f"}, "sid_plus_one")
                    .node("Mul", new String[] {"sid_plus_one", "speaker_step"}, "amplitude");
        } else {
            g.constant("amplitude", new float[] {0.5f});
        }
        g.node("Mul", new String[] {"wave", "amplitude"}, "scaled")
                .node("Reshape", new String[] {"scaled", "output_shape"}, layout == Layout.SHERPA || melo ? "y"
                        : layout == Layout.COQUI ? "output" : "audio");
        return g.model("sherpa-vits-test", "chorus-test-voice", 8, 17);
    }
}
