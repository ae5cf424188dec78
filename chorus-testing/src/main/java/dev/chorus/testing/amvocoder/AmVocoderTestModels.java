package dev.chorus.testing.amvocoder;

import dev.chorus.testing.kokoro.KokoroTestModel;
import dev.chorus.testing.onnx.OnnxWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes tiny acoustic-model + vocoder voices for tests: one directory with the acoustic model, the vocoder and
 * {@code tokens.txt} (file names chosen by the caller: the engine recognises them by their {@code model_type}).
 *
 * <p>Every model takes a batch (first dimension {@code B}); each item's output depends only on its own input.
 *
 * <p>Acoustic model ({@code model_type} {@code matcha-tts} or {@code fastspeech2}): inputs {@code x} (int64 [B, N]),
 * {@code x_length} (int64 [B]), {@code noise_scale} (float [1]), {@code length_scale} (float [1]) and, for Matcha,
 * {@code n_timesteps} (int64 [1], the ODE steps); output {@code mel} (float [B, {@value #MELS}, T]) where each id
 * lasts {@link #framesPerId(double)} frames whose every bin holds {@link #level(long)}; the FastSpeech2 variant also
 * outputs {@code durations} (float [B, N]), which lets the engine batch it. {@code layers} square matrix products per frame make the cost grow with
 * the length without changing the output.
 *
 * <p>HiFi-GAN vocoder ({@code model_type=hifigan}): {@code mel} → {@code audio} (float [1, T × {@value #HOP}]),
 * frame {@code f} a {@value #HOP}-sample sine of {@value #TONE_CYCLES} cycles scaled by {@code mel[0][0][f]}.
 * Vocos vocoder ({@code model_type=vocos}, metadata {@code n_fft}, {@code hop_length}, {@code win_length}):
 * {@code mel} → {@code mag}, {@code x}, {@code y} (float [1, n_fft/2+1, T]): bin {@value #VOCOS_BIN} of each frame
 * carries {@code mel[0][0][f] × 3·n_fft/8} with phase zero (a cosine of amplitude {@code mel[0][0][f]} after the
 * inverse STFT), the others nothing.
 */
public final class AmVocoderTestModels {

    /** Sample rate. */
    public static final int SAMPLE_RATE = 22_050;
    /** Mel bins. */
    public static final int MELS = 80;
    /** Samples per frame (HiFi-GAN and Vocos). */
    public static final int HOP = 256;
    /** Vocos FFT size. */
    public static final int N_FFT = 1024;
    /** Frames per id at length scale 1. */
    public static final int FRAMES_PER_ID = 4;
    /** Sine cycles per HiFi-GAN frame. */
    public static final int TONE_CYCLES = 4;
    /** The Vocos bin that carries the level. */
    public static final int VOCOS_BIN = 16;
    /** Size of the vocabulary (that of the Kokoro test model, written as the same {@code tokens.txt}). */
    public static final int VOCAB_SIZE = KokoroTestModel.VOCAB_SIZE;

    /** The acoustic model's kind. */
    public enum Acoustic { MATCHA, FASTSPEECH2 }

    /** The vocoder's kind. */
    public enum Vocoder { HIFIGAN, VOCOS }

    private AmVocoderTestModels() {
    }

    /** Returns the level of every bin of the frames of id {@code id}. */
    public static double level(long id) {
        return (float) (0.3 + 0.002 * id);
    }

    /** Returns the frames each id lasts at {@code lengthScale}, as the model computes it (float, round half even). */
    public static int framesPerId(double lengthScale) {
        float f = (float) Math.rint(FRAMES_PER_ID * (float) lengthScale);
        return (int) Math.max(f, 1f);
    }

    /**
     * Writes a voice directory: {@code acousticName}, {@code vocoderName} and {@code tokens.txt}.
     *
     * @param addBlank whether the acoustic model's metadata asks for the pad id between ids (as Matcha's does)
     */
    public static void write(Path dir, Acoustic acoustic, String acousticName, Vocoder vocoder, String vocoderName,
                             boolean addBlank, int layers) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(acousticName), acoustic(acoustic, addBlank, layers));
            Files.write(dir.resolve(vocoderName), vocoder == Vocoder.HIFIGAN ? hifigan() : vocos());
            Files.write(dir.resolve("tokens.txt"), KokoroTestModel.tokens());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns an acoustic model. */
    public static byte[] acoustic(Acoustic kind, boolean addBlank, int layers) {
        float[] levels = new float[VOCAB_SIZE];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = (float) level(i);
        }
        boolean matcha = kind == Acoustic.MATCHA;
        OnnxWriter g = new OnnxWriter()
                .input("x", OnnxWriter.INT64, "B", "N")
                .input("x_length", OnnxWriter.INT64, "B")
                .input("noise_scale", OnnxWriter.FLOAT, 1L)
                .input("length_scale", OnnxWriter.FLOAT, 1L);
        if (matcha) {
            g.input("n_timesteps", OnnxWriter.INT64, 1L);
        }
        g.output("mel", OnnxWriter.FLOAT, "B", (long) MELS, "T");
        if (!matcha) {
            g.output("durations", OnnxWriter.FLOAT, "B", "N");
        }
        g.metadata("model_type", matcha ? "matcha-tts" : "fastspeech2")
                .metadata("sample_rate", Integer.toString(SAMPLE_RATE))
                .metadata("n_speakers", "1")
                .metadata("has_espeak", "1")
                .metadata("voice", "en-us")
                .metadata("add_blank", addBlank ? "1" : "0")
                .metadata("pad_id", "0")
                .metadata("need_vocoder", "1");
        g.constant("index0", new long[] {0})
                .constant("per_id", new float[] {FRAMES_PER_ID})
                .constant("one_f", new float[] {1})
                .constant("axis0", new long[] {0}, 1)
                .constant("levels", levels, VOCAB_SIZE)
                .constant("mel_bins", fill(MELS, 1f), 1, MELS, 1)
                .constant("axis2", new long[] {2}, 1)
                .constant("row_shape", new long[] {0, 1, -1}, 3);
        g.node("Gather", new String[] {"length_scale", "index0"}, "ls", "axis", 0)
                .node("Mul", new String[] {"ls", "per_id"}, "frames_raw")
                .node("Round", new String[] {"frames_raw"}, "frames_round")
                .node("Max", new String[] {"frames_round", "one_f"}, "frames_f")
                .node("Cast", new String[] {"frames_f"}, "frames_i", "to", OnnxWriter.INT64)
                .node("Gather", new String[] {"levels", "x"}, "id_levels", "axis", 0)
                .node("Unsqueeze", new String[] {"id_levels", "axis2"}, "level_column")
                .node("Shape", new String[] {"x"}, "n_shape")
                .node("Unsqueeze", new String[] {"frames_i", "axis0"}, "frames_1d")
                .node("Concat", new String[] {"n_shape", "frames_1d"}, "grid_shape", "axis", 0)
                .node("Expand", new String[] {"level_column", "grid_shape"}, "grid")
                .node("Reshape", new String[] {"grid", "row_shape"}, "row");
        String row = "row";
        if (layers > 0) {
            // Work that grows with the length: each frame's value goes through MELS x MELS identity products.
            float[] identity = new float[MELS * MELS];
            for (int i = 0; i < MELS; i++) {
                identity[i * MELS + i] = 1;
            }
            g.constant("identity", identity, MELS, MELS)
                    .constant("wide", fill(MELS, 1f / MELS), 1, MELS)
                    .constant("narrow", fill(MELS, 1f), MELS, 1)
                    .constant("column", new long[] {-1, 1}, 2)
                    .node("Reshape", new String[] {row, "column"}, "work_0_in")
                    .node("MatMul", new String[] {"work_0_in", "wide"}, "work_0");
            for (int l = 0; l < layers; l++) {
                g.node("MatMul", new String[] {"work_" + l, "identity"}, "work_" + (l + 1));
            }
            g.node("MatMul", new String[] {"work_" + layers, "narrow"}, "work_out")
                    .node("Shape", new String[] {row}, "row_dims")
                    .node("Reshape", new String[] {"work_out", "row_dims"}, "row_worked");
            row = "row_worked";
        }
        g.node("Mul", new String[] {row, "mel_bins"}, "mel");
        if (!matcha) {
            g.node("Expand", new String[] {"frames_f", "n_shape"}, "durations");
        }
        return g.model(matcha ? "matcha-test" : "fastspeech2-test", "chorus-test-voice", 8, 17);
    }

    /** Returns the HiFi-GAN-style vocoder. */
    public static byte[] hifigan() {
        float[] tone = new float[HOP];
        for (int i = 0; i < HOP; i++) {
            tone[i] = (float) Math.sin(2 * Math.PI * TONE_CYCLES * i / HOP);
        }
        return new OnnxWriter()
                .input("mel", OnnxWriter.FLOAT, "B", (long) MELS, "T")
                .output("audio", OnnxWriter.FLOAT, "B", "samples")
                .metadata("model_type", "hifigan")
                .metadata("sample_rate", Integer.toString(SAMPLE_RATE))
                .constant("bin0", new long[] {0})
                .constant("axis2", new long[] {2}, 1)
                .constant("tone", tone, 1, HOP)
                .constant("out_shape", new long[] {0, -1}, 2)
                .node("Gather", new String[] {"mel", "bin0"}, "first_bin", "axis", 1)
                .node("Unsqueeze", new String[] {"first_bin", "axis2"}, "frame_levels")
                .node("Mul", new String[] {"frame_levels", "tone"}, "frames")
                .node("Reshape", new String[] {"frames", "out_shape"}, "audio")
                .model("hifigan-test", "chorus-test-voice", 8, 17);
    }

    /** Returns the Vocos-style vocoder. */
    public static byte[] vocos() {
        int bins = N_FFT / 2 + 1;
        float[] onehot = new float[bins];
        // A bin of n_fft/2 inverts to a cosine of amplitude 1; overlap-adding Hann windows at a quarter of n_fft
        // gains 4/3 (sum of windows 2 over sum of squares 1.5): 3/8 of n_fft gives amplitude mel[0][0][f].
        onehot[VOCOS_BIN] = N_FFT * 3f / 8;
        return new OnnxWriter()
                .input("mels", OnnxWriter.FLOAT, "B", (long) MELS, "T")
                .output("mag", OnnxWriter.FLOAT, "B", (long) bins, "T")
                .output("x", OnnxWriter.FLOAT, "B", (long) bins, "T")
                .output("y", OnnxWriter.FLOAT, "B", (long) bins, "T")
                .metadata("model_type", "vocos")
                .metadata("n_fft", Integer.toString(N_FFT))
                .metadata("hop_length", Integer.toString(HOP))
                .metadata("win_length", Integer.toString(N_FFT))
                .metadata("center", "1")
                .metadata("normalized", "0")
                .metadata("window_type", "hann")
                .metadata("pad_mode", "reflect")
                .constant("bin0", new long[] {0}, 1)
                .constant("onehot", onehot, 1, bins, 1)
                .constant("zero_f", new float[] {0})
                .constant("one_f", new float[] {1})
                .node("Gather", new String[] {"mels", "bin0"}, "first_bin", "axis", 1)
                .node("Mul", new String[] {"first_bin", "onehot"}, "mag")
                .node("Mul", new String[] {"mag", "zero_f"}, "zeros")
                .node("Add", new String[] {"zeros", "one_f"}, "x")
                .node("Add", new String[] {"zeros", "zero_f"}, "y")
                .model("vocos-test", "chorus-test-voice", 8, 17);
    }

    private static float[] fill(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
