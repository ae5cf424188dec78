package dev.chorus.testing.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.stream.Collectors;

/**
 * Writes a tiny Paraformer model directory of the real interface (sherpa-onnx layout: {@code model.onnx} with
 * inputs {@code speech FLOAT[N,T,560]} and {@code speech_lengths INT32[N]}, outputs {@code logits} and
 * {@code token_num}, optionally {@code us_cif_peak}; CMVN and LFR metadata; {@code tokens.txt}). Whatever the audio,
 * the model's logits pick the tokens {@link #EMITTED}: 你 好 世 界 hel@@ lo, then {@code </s>} and one token past
 * it; {@code token_num} is {@code min(speech_lengths, 8)}, so audio of fewer LFR frames yields fewer tokens.
 */
public final class ParaformerTestModel {

    /** The vocabulary written as {@code tokens.txt}. */
    public static final String TOKENS = "<blank> 0\n<s> 1\n</s> 2\n你 3\n好 4\n世 5\n界 6\nhel@@ 7\nlo 8\n<unk> 9\n";
    /** The token ids the logits pick, in order. */
    public static final long[] EMITTED = {3, 4, 5, 6, 7, 8, 2, 3};
    /** The vocabulary's size. */
    public static final int VOCAB = 10;
    /** Peak positions (20 ms steps): six tokens from 100 ms, every 100 ms, and the end at 800 ms. */
    public static final int[] PEAKS = {5, 10, 15, 20, 25, 30, 40};

    /** What to leave out or add, to test the checks at load. */
    public enum Variant { STANDARD, WITH_PEAKS, NO_SPEECH_LENGTHS, NO_NEG_MEAN }

    private ParaformerTestModel() {
    }

    /** Writes {@code model.onnx} and {@code tokens.txt} into {@code dir}. */
    public static Path write(Path dir, Variant variant) {
        int dim = 560;
        int k = EMITTED.length;
        float[] logits = new float[k * VOCAB];
        for (int i = 0; i < k; i++) {
            logits[i * VOCAB + (int) EMITTED[i]] = 5;
        }
        OnnxWriter w = new OnnxWriter().input("speech", OnnxWriter.FLOAT, "N", "T", (long) dim);
        if (variant != Variant.NO_SPEECH_LENGTHS) {
            w.input("speech_lengths", OnnxWriter.INT32, "N");
        }
        w.output("logits", OnnxWriter.FLOAT, 1L, (long) k, (long) VOCAB)
                .output("token_num", OnnxWriter.INT32, "N")
                .constant("zero", new float[] {0})
                .constant("table", logits, 1, k, VOCAB)
                .constant("most", new long[] {k}, 1)
                .node("ReduceSum", new String[] {"speech"}, "energy", "keepdims", 0)
                .node("Mul", new String[] {"energy", "zero"}, "nothing")
                .node("Add", new String[] {"table", "nothing"}, "logits");
        if (variant == Variant.NO_SPEECH_LENGTHS) {
            w.node("Cast", new String[] {"most"}, "token_num", "to", OnnxWriter.INT32);
        } else {
            w.node("Cast", new String[] {"speech_lengths"}, "lengths64", "to", OnnxWriter.INT64)
                    .node("Min", new String[] {"lengths64", "most"}, "count")
                    .node("Cast", new String[] {"count"}, "token_num", "to", OnnxWriter.INT32);
        }
        if (variant == Variant.WITH_PEAKS) {
            float[] peaks = new float[50];
            for (int p : PEAKS) {
                peaks[p] = 1;
            }
            w.output("us_cif_peak", OnnxWriter.FLOAT, 1L, 50L)
                    .constant("peaks", peaks, 1, 50)
                    .node("Add", new String[] {"peaks", "nothing"}, "us_cif_peak");
        }
        w.metadata("model_type", "paraformer").metadata("vocab_size", Integer.toString(VOCAB))
                .metadata("lfr_window_size", "7").metadata("lfr_window_shift", "6")
                .metadata("inv_stddev", repeat("0.25", dim));
        if (variant != Variant.NO_NEG_MEAN) {
            w.metadata("neg_mean", repeat("-8.5", dim));
        }
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("model.onnx"), w.model("paraformer-test", "chorus-test", 8, 17));
            Files.writeString(dir.resolve("tokens.txt"), TOKENS, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static String repeat(String value, int n) {
        return Collections.nCopies(n, value).stream().collect(Collectors.joining(","));
    }

    /** Returns {@code seconds} of a 220 Hz tone at {@code rate}. */
    public static short[] tone(double seconds, int rate) {
        short[] out = new short[(int) (seconds * rate)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) (8000 * Math.sin(2 * Math.PI * 220 * i / rate));
        }
        return out;
    }
}
