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
        if (speakers < 1 || speakers > SPEAKERS.size()) {
            throw new IllegalArgumentException("speakers: " + speakers + " (expected: 1 to " + SPEAKERS.size() + ")");
        }
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("model.onnx"), model(layout, speakers, durations));
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
