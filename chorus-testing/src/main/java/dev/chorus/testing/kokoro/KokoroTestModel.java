package dev.chorus.testing.kokoro;

import dev.chorus.testing.onnx.OnnxWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes tiny Kokoro voices for tests: an ONNX model with Kokoro v1.0's interface whose audio is easy to predict,
 * the voice style vectors, and {@code tokens.txt}, laid out as sherpa-onnx publishes Kokoro (packed
 * {@code voices.bin}, metadata {@code model_type=kokoro}, {@code speaker_names}, {@code style_dim},
 * {@code n_speakers}, {@code sample_rate}) or as the Kokoro ONNX release (one {@code voices/NAME.bin} per voice).
 *
 * <p>The model reads {@code input_ids} (int64 [1, N]), {@code style} (float [1, {@value #STYLE_DIM}]) and
 * {@code speed} (float [1]). Each id becomes a sine tone of {@link #frequency(long)} Hz lasting
 * {@link #samplesPerToken(double)} samples, phase from zero, with amplitude {@code style[0][0]}; the tones follow
 * each other in {@code waveform} (float [T]). The durations variant also outputs {@code durations} (float [1, N],
 * samples per id). An id outside the {@value #VOCAB_SIZE}-symbol vocabulary fails the run, as in the real model.
 *
 * <p>Style row {@code r} of speaker {@code s} (the row used for {@code r} tokens between the two pads) has first
 * element {@link #styleLevel(int, int)}: the audio's level tells which row, and which blend of speakers, was used.
 *
 * <p>The batch-capable variant ({@link #writeBatched}) takes a batch: {@code input_ids} (int64 [B, N]),
 * {@code style} (float [B, 256]) and {@code speed} (float [B], one per item, or [1], shared, see {@link Speed});
 * it outputs {@code waveform} (float [B, T]) and, when asked, {@code durations} (float [B, N], in frames of
 * {@value #BATCHED_HOP} samples, as Kokoro's are in frames of 600). Each id of item {@code b} lasts
 * {@link #batchedFramesPerToken(double)} frames at that item's speed and sounds as a sine of
 * {@link #frequency(long)} Hz (from a table, so that every run computes the same samples), phase from zero, scaled
 * by {@code style[b][0]}; {@code T} is {@code N} times the longest token of the batch, and an item's samples past its
 * own {@code N} tokens are zero. Each item's audio depends only on its own inputs: an item padded with pad ids (0)
 * keeps its audio, followed by that of the pads. {@code layers} identity products of {@value #WORK_DIM} ×
 * {@value #WORK_DIM} per token make the cost grow with the length without changing the output.
 */
public final class KokoroTestModel {

    /** Sample rate, as Kokoro's. */
    public static final int SAMPLE_RATE = 24_000;
    /** Samples per token at speed 1. */
    public static final int SAMPLES_PER_TOKEN = 1200;
    /** Rows of each voice's style table (the most tokens a run takes), as Kokoro's. */
    public static final int STYLE_ROWS = 510;
    /** Length of one style vector, as Kokoro's. */
    public static final int STYLE_DIM = 256;
    /** Size of the vocabulary: ids 0 to this minus one are accepted. */
    public static final int VOCAB_SIZE = 178;
    /** Hz per token id (and the frequency of id 0 is {@value #BASE_HZ}). */
    public static final double HZ_PER_ID = 10;
    /** Frequency of id 0 in Hz. */
    public static final double BASE_HZ = 100;
    /** Level change per style row. */
    public static final double ROW_STEP = 0.0005;
    /** Speaker names, in id order. */
    public static final List<String> SPEAKERS = List.of("af_test", "bm_test", "bf_test");
    /** A Kokoro-like phoneme vocabulary ({@code $} is the pad, 0), written to {@code tokens.txt}. */
    public static final Map<String, Integer> VOCAB = vocab();

    /** Samples per duration frame of the batch-capable variant. */
    public static final int BATCHED_HOP = 300;
    /** Duration frames per token at speed 1 of the batch-capable variant ({@value} × 300 = 1200 samples). */
    public static final int BATCHED_FRAMES_PER_TOKEN = 4;
    /** Width of the batch-capable variant's per-token work. */
    public static final int WORK_DIM = 256;

    /** How the batch-capable variant takes its speed. */
    public enum Speed {
        /** {@code speed} float [B]: one per item. */
        PER_ITEM,
        /** {@code speed} float [1]: one for the whole batch. */
        SHARED
    }

    /** How the files are laid out. */
    public enum Layout {
        /** sherpa-onnx: {@code model.onnx} with metadata, packed {@code voices.bin}, {@code tokens.txt}. */
        SHERPA,
        /** Kokoro's ONNX release: {@code model.onnx} (metadata {@code model_type} only), {@code voices/*.bin}. */
        VOICE_FILES
    }

    private KokoroTestModel() {
    }

    /** Returns the frequency of the tone of {@code id}. */
    public static double frequency(long id) {
        return BASE_HZ + HZ_PER_ID * id;
    }

    /** Returns the samples each token lasts at {@code speed}, as the model computes it (float, round half even). */
    public static int samplesPerToken(double speed) {
        float s = (float) Math.rint(SAMPLES_PER_TOKEN / (float) speed);
        return (int) Math.max(s, 1f);
    }

    /**
     * Returns the duration frames of each token of the batch-capable variant at {@code speed}, as the model computes
     * it (float, round half even, at least 1); a token lasts that times {@value #BATCHED_HOP} samples.
     */
    public static int batchedFramesPerToken(double speed) {
        float f = (float) Math.rint(BATCHED_FRAMES_PER_TOKEN / (float) speed);
        return (int) Math.max(f, 1f);
    }

    /** Returns the first element of style row {@code row} of speaker {@code speaker}: the audio's amplitude. */
    public static double styleLevel(int speaker, int row) {
        return (float) (0.3 + 0.2 * speaker + ROW_STEP * row);
    }

    /**
     * Writes a voice directory into {@code dir} (created if needed).
     *
     * @param speakers  how many of {@link #SPEAKERS}
     * @param durations whether the model also outputs per-token durations
     */
    public static void write(Path dir, Layout layout, int speakers, boolean durations) {
        writeFiles(dir, layout, speakers, model(layout, speakers, durations));
    }

    /**
     * Writes a voice directory whose model takes a batch (see the class comment).
     *
     * @param speed     how the model takes its speed
     * @param durations whether the model outputs {@code durations} (without, nothing tells an item's true length)
     * @param layers    identity products per token, >= 0: cost that grows with the length
     */
    public static void writeBatched(Path dir, Layout layout, int speakers, Speed speed, boolean durations,
                                    int layers) {
        writeFiles(dir, layout, speakers, batchedModel(layout, speakers, speed, durations, layers));
    }

    private static void writeFiles(Path dir, Layout layout, int speakers, byte[] model) {
        if (speakers < 1 || speakers > SPEAKERS.size()) {
            throw new IllegalArgumentException("speakers: " + speakers + " (expected: 1 to " + SPEAKERS.size() + ")");
        }
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("model.onnx"), model);
            Files.write(dir.resolve("tokens.txt"), tokens());
            if (layout == Layout.SHERPA) {
                ByteBuffer all = ByteBuffer.allocate(speakers * STYLE_ROWS * STYLE_DIM * 4)
                        .order(ByteOrder.LITTLE_ENDIAN);
                for (int s = 0; s < speakers; s++) {
                    all.put(styles(s));
                }
                Files.write(dir.resolve("voices.bin"), all.array());
            } else {
                Files.createDirectories(dir.resolve("voices"));
                for (int s = 0; s < speakers; s++) {
                    Files.write(dir.resolve("voices").resolve(SPEAKERS.get(s) + ".bin"), styles(s));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the style table of one speaker: {@value #STYLE_ROWS} × 1 × {@value #STYLE_DIM} little-endian floats. */
    public static byte[] styles(int speaker) {
        ByteBuffer b = ByteBuffer.allocate(STYLE_ROWS * STYLE_DIM * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < STYLE_ROWS; r++) {
            b.putFloat((float) styleLevel(speaker, r));
            for (int i = 1; i < STYLE_DIM; i++) {
                b.putFloat((float) ((i % 7) * 0.01));
            }
        }
        return b.array();
    }

    /** Returns {@code tokens.txt}: one {@code SYMBOL ID} line per symbol, as sherpa-onnx writes it. */
    public static byte[] tokens() {
        StringBuilder b = new StringBuilder();
        VOCAB.forEach((s, id) -> b.append(s).append(' ').append(id).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Returns the ONNX model. */
    public static byte[] model(Layout layout, int speakers, boolean durations) {
        float[] table = new float[VOCAB_SIZE];
        for (int i = 0; i < table.length; i++) {
            table[i] = (float) frequency(i);
        }
        OnnxWriter g = new OnnxWriter()
                .input("input_ids", OnnxWriter.INT64, 1L, "tokens")
                .input("style", OnnxWriter.FLOAT, 1L, (long) STYLE_DIM)
                .input("speed", OnnxWriter.FLOAT, 1L)
                .output("waveform", OnnxWriter.FLOAT, "samples");
        if (durations) {
            g.output("durations", OnnxWriter.FLOAT, 1L, "tokens");
        }
        metadata(g, layout, speakers);
        g.constant("index0", new long[] {0})
                .constant("per_token", new float[] {SAMPLES_PER_TOKEN})
                .constant("one_f", new float[] {1})
                .constant("zero_i", new long[] {0})
                .constant("one_i", new long[] {1})
                .constant("flat", new long[] {-1}, 1)
                .constant("axis0", new long[] {0}, 1)
                .constant("axis1", new long[] {1}, 1)
                .constant("frequencies", table, VOCAB_SIZE)
                .constant("omega", new float[] {(float) (2 * Math.PI / SAMPLE_RATE)});
        g.node("Gather", new String[] {"speed", "index0"}, "speed_s", "axis", 0)
                .node("Div", new String[] {"per_token", "speed_s"}, "samples_raw")
                .node("Round", new String[] {"samples_raw"}, "samples_round")
                .node("Max", new String[] {"samples_round", "one_f"}, "samples_f")
                .node("Cast", new String[] {"samples_f"}, "samples_i", "to", OnnxWriter.INT64)
                .node("Reshape", new String[] {"input_ids", "flat"}, "ids")
                .node("Gather", new String[] {"frequencies", "ids"}, "hz", "axis", 0)
                .node("Unsqueeze", new String[] {"hz", "axis1"}, "hz_column")
                .node("Range", new String[] {"zero_i", "samples_i", "one_i"}, "t_i")
                .node("Cast", new String[] {"t_i"}, "t", "to", OnnxWriter.FLOAT)
                .node("Mul", new String[] {"t", "omega"}, "t_omega")
                .node("Unsqueeze", new String[] {"t_omega", "axis0"}, "t_row")
                .node("Mul", new String[] {"hz_column", "t_row"}, "phase")
                .node("Sin", new String[] {"phase"}, "wave")
                .node("Gather", new String[] {"style", "index0"}, "level", "axis", 1)
                .node("Mul", new String[] {"wave", "level"}, "scaled")
                .node("Reshape", new String[] {"scaled", "flat"}, "waveform");
        if (durations) {
            g.node("Shape", new String[] {"ids"}, "ids_shape")
                    .node("Expand", new String[] {"samples_f", "ids_shape"}, "durations_flat")
                    .node("Unsqueeze", new String[] {"durations_flat", "axis0"}, "durations");
        }
        return g.model("kokoro-test", "chorus-test-voice", 8, 17);
    }

    private static void metadata(OnnxWriter g, Layout layout, int speakers) {
        g.metadata("model_type", "kokoro");
        if (layout == Layout.SHERPA) {
            g.metadata("sample_rate", Integer.toString(SAMPLE_RATE))
                    .metadata("version", "2")
                    .metadata("n_speakers", Integer.toString(speakers))
                    .metadata("speaker_names", String.join(",", SPEAKERS.subList(0, speakers)))
                    .metadata("style_dim", STYLE_ROWS + ",1," + STYLE_DIM)
                    .metadata("has_espeak", "1")
                    .metadata("voice", "en-us");
        }
    }

    /** Returns the batch-capable model (see the class comment). */
    public static byte[] batchedModel(Layout layout, int speakers, Speed speed, boolean durations, int layers) {
        if (layers < 0) {
            throw new IllegalArgumentException("layers: " + layers + " (expected: >= 0)");
        }
        float[] sine = new float[SAMPLE_RATE];
        for (int i = 0; i < sine.length; i++) {
            sine[i] = (float) Math.sin(2 * Math.PI * i / SAMPLE_RATE);
        }
        OnnxWriter g = new OnnxWriter()
                .input("input_ids", OnnxWriter.INT64, "batch_size", "sequence_length")
                .input("style", OnnxWriter.FLOAT, "batch_size", (long) STYLE_DIM)
                .input("speed", OnnxWriter.FLOAT, speed == Speed.PER_ITEM ? "batch_size" : (Object) 1L)
                .output("waveform", OnnxWriter.FLOAT, "batch_size", "num_samples");
        if (durations) {
            g.output("durations", OnnxWriter.FLOAT, "batch_size", "sequence_length");
        }
        metadata(g, layout, speakers);
        g.constant("frames_per_token", new float[] {BATCHED_FRAMES_PER_TOKEN})
                .constant("hop", new float[] {BATCHED_HOP})
                .constant("one_f", new float[] {1})
                .constant("zero_i", new long[] {0})
                .constant("one_i", new long[] {1})
                .constant("one_1d", new long[] {1}, 1)
                .constant("index0_1d", new long[] {0}, 1)
                .constant("axis0", new long[] {0}, 1)
                .constant("axis1", new long[] {1}, 1)
                .constant("hz_per_id", new long[] {(long) HZ_PER_ID})
                .constant("base_hz", new long[] {(long) BASE_HZ})
                .constant("rate", new long[] {SAMPLE_RATE})
                .constant("sine", sine, SAMPLE_RATE);
        // Durations: each token lasts round(4 / speed) frames (at least 1), per item.
        g.node("Div", new String[] {"frames_per_token", "speed"}, "frames_raw")
                .node("Round", new String[] {"frames_raw"}, "frames_round")
                .node("Max", new String[] {"frames_round", "one_f"}, "frames_f")
                .node("Shape", new String[] {"input_ids"}, "ids_shape")
                .node("Unsqueeze", new String[] {"frames_f", "axis1"}, "frames_column")
                .node("Expand", new String[] {"frames_column", "ids_shape"}, durations ? "durations" : "unused")
                .node("Mul", new String[] {"frames_f", "hop"}, "samples_f")
                .node("Cast", new String[] {"samples_f"}, "samples_i", "to", OnnxWriter.INT64)
                .node("Unsqueeze", new String[] {"samples_i", "axis1"}, "samples_column")
                .node("ReduceMax", new String[] {"samples_i"}, "longest", "keepdims", 0)
                .node("Gather", new String[] {"ids_shape", "one_i"}, "n")
                .node("Gather", new String[] {"ids_shape", "index0_1d"}, "b_1d")
                .node("Concat", new String[] {"b_1d", "one_1d"}, "rows_shape", "axis", 0)
                .node("Mul", new String[] {"n", "longest"}, "total")
                .node("Sub", new String[] {"n", "one_i"}, "last");
        String ids = "input_ids";
        if (layers > 0) {
            // Work that grows with the length: each id goes through WORK_DIM x WORK_DIM identity products.
            float[] identity = new float[WORK_DIM * WORK_DIM];
            for (int i = 0; i < WORK_DIM; i++) {
                identity[i * WORK_DIM + i] = 1;
            }
            float[] first = new float[WORK_DIM];
            first[0] = 1;
            g.constant("identity", identity, WORK_DIM, WORK_DIM)
                    .constant("wide", first, 1, WORK_DIM)
                    .constant("narrow", first, WORK_DIM, 1)
                    .constant("column", new long[] {-1, 1}, 2)
                    .node("Cast", new String[] {"input_ids"}, "ids_f", "to", OnnxWriter.FLOAT)
                    .node("Reshape", new String[] {"ids_f", "column"}, "work_in")
                    .node("MatMul", new String[] {"work_in", "wide"}, "work_0");
            for (int l = 0; l < layers; l++) {
                g.node("MatMul", new String[] {"work_" + l, "identity"}, "work_" + (l + 1));
            }
            g.node("MatMul", new String[] {"work_" + layers, "narrow"}, "work_out")
                    .node("Reshape", new String[] {"work_out", "ids_shape"}, "ids_worked")
                    .node("Cast", new String[] {"ids_worked"}, "ids_again", "to", OnnxWriter.INT64);
            ids = "ids_again";
        }
        // Sample p of item b belongs to token j = p / samples[b], at t = p - j * samples[b] into its tone.
        g.node("Mul", new String[] {ids, "hz_per_id"}, "hz_steps")
                .node("Add", new String[] {"hz_steps", "base_hz"}, "token_hz")
                .node("Range", new String[] {"zero_i", "total", "one_i"}, "p")
                .node("Unsqueeze", new String[] {"p", "axis0"}, "p_row")
                .node("Div", new String[] {"p_row", "samples_column"}, "j_some")
                .node("Expand", new String[] {"j_some", "rows_shape"}, "j")
                .node("Mul", new String[] {"j", "samples_column"}, "j_start")
                .node("Sub", new String[] {"p_row", "j_start"}, "t")
                .node("Less", new String[] {"j", "n"}, "inside")
                .node("Cast", new String[] {"inside"}, "inside_f", "to", OnnxWriter.FLOAT)
                .node("Min", new String[] {"j", "last"}, "j_clamped")
                .node("GatherElements", new String[] {"token_hz", "j_clamped"}, "hz", "axis", 1)
                .node("Mul", new String[] {"hz", "t"}, "cycles_x_rate")
                .node("Mod", new String[] {"cycles_x_rate", "rate"}, "phase")
                .node("Gather", new String[] {"sine", "phase"}, "wave", "axis", 0)
                .node("Gather", new String[] {"style", "index0_1d"}, "level", "axis", 1)
                .node("Mul", new String[] {"wave", "level"}, "scaled")
                .node("Mul", new String[] {"scaled", "inside_f"}, "waveform");
        return g.model("kokoro-batch-test", "chorus-test-voice", 8, 17);
    }

    private static Map<String, Integer> vocab() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("$", 0);
        String punctuation = ";:,.!?¡¿—…\"«»“” ";
        int id = 1;
        for (int cp : punctuation.codePoints().toArray()) {
            m.put(Character.toString(cp), id++);
        }
        String letters = "̃ʣʥʦʨᵝꭧAIOQSTWYᵊabcdefhijklmnopqrstuvwxyzɑɐɒæβɔɕçɖðʤəɚɛɜɟɡɥɨɪʝɯɰŋɳɲɴøɸθœɹɾɻʁɽʂʃʈʧʊʋʌɣɤχʎʒʔ"
                + "ˈˌːʰʲ↓→↗↘ᵻ";
        for (int cp : letters.codePoints().toArray()) {
            if (!m.containsKey(Character.toString(cp))) {
                m.put(Character.toString(cp), id++);
            }
        }
        if (id > VOCAB_SIZE) {
            throw new IllegalStateException("vocabulary of " + id + " symbols (expected: <= " + VOCAB_SIZE + ")");
        }
        return Collections.unmodifiableMap(m);
    }
}
