package dev.chorus.testing.onnx;

/**
 * Generates a model of the DNSMOS P.835 interface ({@code sig_bak_ovr.onnx}): input {@code input_1}
 * {@code FLOAT[1,144160]} (9.01 s of 16 kHz audio in [-1, 1]), output {@code FLOAT[1,3]}, the raw SIG, BAK and OVRL
 * scores. The generated model's raw scores follow the segment's mean square {@code m}: {@code SIG = 2 + 40 m},
 * {@code BAK = 1.5 + 20 m}, {@code OVRL = 1 + 60 m}, so a test knows what each segment must score.
 */
public final class DnsmosTestModel {

    /** Samples the model takes: 9.01 s at 16 kHz. */
    public static final int INPUT = 144_160;
    /** The raw scores' offsets (SIG, BAK, OVRL). */
    public static final float[] OFFSET = {2f, 1.5f, 1f};
    /** The raw scores' slopes over the mean square. */
    public static final float[] SLOPE = {40f, 20f, 60f};

    private DnsmosTestModel() {
    }

    /** Returns the raw scores the model gives a segment of mean square {@code meanSquare}. */
    public static double[] raw(double meanSquare) {
        return new double[] {OFFSET[0] + SLOPE[0] * meanSquare, OFFSET[1] + SLOPE[1] * meanSquare,
            OFFSET[2] + SLOPE[2] * meanSquare};
    }

    /**
     * Returns the model's bytes, with its output named {@code output} ({@code Identity:0} in Microsoft's file) and
     * the input named {@code input} ({@code input_1} in the real interface).
     */
    public static byte[] model(String input, String output) {
        return new OnnxWriter()
                .input(input, OnnxWriter.FLOAT, 1L, (long) INPUT)
                .output(output, OnnxWriter.FLOAT, 1L, 3L)
                .constant("slope", SLOPE, 1, 3)
                .constant("offset", OFFSET, 1, 3)
                .node("Mul", new String[] {input, input}, "squares")
                .node("ReduceMean", new String[] {"squares"}, "mean_square", "keepdims", 1)
                .node("Mul", new String[] {"mean_square", "slope"}, "scaled")
                .node("Add", new String[] {"scaled", "offset"}, output)
                .model("dnsmos-test", "chorus-test", 8, 17);
    }

    /** Returns the model of the real interface: {@code input_1} to {@code Identity:0}. */
    public static byte[] model() {
        return model("input_1", "Identity:0");
    }
}
