package dev.chorus.testing.piper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.testing.onnx.OnnxWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes tiny Piper voices for tests and benchmarks: ONNX models with exactly Piper's interface whose audio is easy
 * to predict, and their {@code .onnx.json} configs with Piper's standard phoneme id map.
 *
 * <p>The model reads {@code input} (int64 [1, N] phoneme ids), {@code input_lengths} (int64 [1]), {@code scales}
 * (float [3]: noise scale, length scale, noise width) and, for several speakers, {@code sid} (int64 [1]). Each of
 * the first {@code input_lengths} ids becomes a sine tone of {@link #frequency(Spec, long)} Hz lasting
 * {@link #framesPerId(double)} frames of {@value #HOP_LENGTH} samples, its phase starting at zero; the tones follow
 * each other in {@code output} (float [1, 1, 1, T]). Its amplitude is {@value #AMPLITUDE}, or
 * {@code 0.25 × (sid + 1)} for a multi-speaker voice. An id outside the model's {@value #NUM_SYMBOLS} symbols fails
 * the run, as in a real voice. The durations variant also outputs {@code durations} (float [1, N], frames per id).
 *
 * <p>{@link #main} writes {@link #standard()} into a directory.
 */
public final class TestVoiceGenerator {

    /** Sample rate of every test voice, in Hz. */
    public static final int SAMPLE_RATE = 22_050;
    /** Samples per frame. */
    public static final int HOP_LENGTH = 256;
    /** Frames per phoneme id at length scale 1. */
    public static final int FRAMES_PER_ID = 2;
    /** Size of the model's symbol table: ids from 0 to this minus one are accepted. */
    public static final int NUM_SYMBOLS = 256;
    /** Amplitude of a single-speaker voice's tones. */
    public static final float AMPLITUDE = 0.5f;
    /** Hz added per phoneme id. */
    public static final double HZ_PER_ID = 20;
    /** Speaker names of the multi-speaker voice, in id order. */
    public static final List<String> SPEAKERS = List.of("alice", "bob", "carol");
    /** Piper's standard phoneme id map (piper-phonemize) in id order: {@code _ ^ $ space ! ' ( ) , - . : ; ? a ...}. */
    public static final Map<String, Integer> PHONEME_ID_MAP = phonemeIdMap();

    private static final float SPEAKER_AMPLITUDE_STEP = 0.25f;
    private static final long IR_VERSION = 8;
    private static final long OPSET = 17;

    private TestVoiceGenerator() {
    }

    /**
     * One test voice.
     *
     * @param name      file name without {@code .onnx}
     * @param speakers  number of speakers; more than one adds the {@code sid} input and {@link #SPEAKERS} names
     * @param durations whether the model also outputs per-id durations
     * @param baseHz    frequency of id 0; ids add {@value #HZ_PER_ID} Hz each
     * @param layers    extra work per run: this many multiplications of the audio, in rows of
     *                  {@value #HOP_LENGTH} samples, by a {@value #HOP_LENGTH}² identity matrix (the audio stays the
     *                  same, and each layer costs about 0.2 ms per second of audio on one core)
     * @param gain      factor on every amplitude (1: as documented; 0: a silent voice; 4: a clipped one)
     */
    public record Spec(String name, int speakers, boolean durations, double baseHz, int layers, double gain) {

        public Spec {
            if (speakers < 1 || speakers > SPEAKERS.size()) {
                throw new IllegalArgumentException("speakers: " + speakers + " (expected: 1 to " + SPEAKERS.size()
                        + ")");
            }
            if (layers < 0) {
                throw new IllegalArgumentException("layers: " + layers + " (expected: >= 0)");
            }
            if (!(gain >= 0)) {
                throw new IllegalArgumentException("gain: " + gain + " (expected: >= 0)");
            }
        }

        /** A voice without extra gain. */
        public Spec(String name, int speakers, boolean durations, double baseHz, int layers) {
            this(name, speakers, durations, baseHz, layers, 1);
        }

        /** A voice with the given speakers and durations output, tones from 100 Hz, no extra work. */
        public Spec(String name, int speakers, boolean durations) {
            this(name, speakers, durations, 100, 0);
        }

        /** A single-speaker voice without durations, tones from 100 Hz. */
        public static Spec of(String name) {
            return new Spec(name, 1, false);
        }

        /** Returns a copy whose tones start at {@code hz}: a different model with the same interface. */
        public Spec withBaseHz(double hz) {
            return new Spec(name, speakers, durations, hz, layers, gain);
        }

        /** Returns a copy that does {@code n} layers of extra work per run. */
        public Spec withLayers(int n) {
            return new Spec(name, speakers, durations, baseHz, n, gain);
        }

        /** Returns a copy whose amplitudes are multiplied by {@code g}: 0 is silent, above 2 clips. */
        public Spec withGain(double g) {
            return new Spec(name, speakers, durations, baseHz, layers, g);
        }
    }

    /** Returns the voices checked in under {@code src/test/resources/voices}. */
    public static List<Spec> standard() {
        return List.of(Spec.of("test-voice"),
                new Spec("test-voice-multi", SPEAKERS.size(), false),
                new Spec("test-voice-durations", 1, true));
    }

    /** Returns the frequency in Hz of the tone for phoneme id {@code id}. */
    public static double frequency(Spec spec, long id) {
        return spec.baseHz() + HZ_PER_ID * id;
    }

    /** Returns the frames each id lasts at {@code lengthScale}, as the model computes it (float, round half even). */
    public static int framesPerId(double lengthScale) {
        float frames = (float) Math.rint(FRAMES_PER_ID * (float) lengthScale);
        return (int) Math.max(frames, 1f);
    }

    /** Returns the amplitude of speaker {@code sid}'s tones. */
    public static double amplitude(Spec spec, int sid) {
        return (spec.speakers() > 1 ? SPEAKER_AMPLITUDE_STEP * (sid + 1) : AMPLITUDE) * spec.gain();
    }

    /** Returns the sample {@code i} (0-based within its tone) of the tone for {@code id}, as a float in -1..1. */
    public static double sample(Spec spec, long id, int sid, int i) {
        float omega = (float) (2 * Math.PI / SAMPLE_RATE);
        float phase = (float) frequency(spec, id) * ((float) i * omega);
        return amplitude(spec, sid) * Math.sin(phase);
    }

    /** Writes {@code NAME.onnx} and {@code NAME.onnx.json} into {@code dir}, creating it if needed. */
    public static void write(Spec spec, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(spec.name() + ".onnx"), model(spec));
            Files.write(dir.resolve(spec.name() + ".onnx.json"), config(spec));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the ONNX model of {@code spec}. */
    public static byte[] model(Spec spec) {
        float[] table = new float[NUM_SYMBOLS];
        for (int i = 0; i < table.length; i++) {
            table[i] = (float) frequency(spec, i);
        }
        boolean multi = spec.speakers() > 1;
        OnnxWriter g = new OnnxWriter()
                .input("input", OnnxWriter.INT64, 1L, "phonemes")
                .input("input_lengths", OnnxWriter.INT64, 1L)
                .input("scales", OnnxWriter.FLOAT, 3L);
        if (multi) {
            g.input("sid", OnnxWriter.INT64, 1L);
        }
        g.output("output", OnnxWriter.FLOAT, 1L, 1L, 1L, "time");
        if (spec.durations()) {
            g.output("durations", OnnxWriter.FLOAT, 1L, "phonemes");
        }
        g.constant("length_scale_index", new long[] {1})
                .constant("frames_per_id", new float[] {FRAMES_PER_ID})
                .constant("one_f", new float[] {1})
                .constant("hop_length", new long[] {HOP_LENGTH})
                .constant("zero_i", new long[] {0})
                .constant("one_i", new long[] {1})
                .constant("flat", new long[] {-1}, 1)
                .constant("start0", new long[] {0}, 1)
                .constant("axis0", new long[] {0}, 1)
                .constant("axis1", new long[] {1}, 1)
                .constant("frequencies", table, NUM_SYMBOLS)
                .constant("omega", new float[] {(float) (2 * Math.PI / SAMPLE_RATE)})
                .constant("output_shape", new long[] {1, 1, 1, -1}, 4);
        g.node("Gather", new String[] {"scales", "length_scale_index"}, "length_scale", "axis", 0)
                .node("Mul", new String[] {"length_scale", "frames_per_id"}, "frames_raw")
                .node("Round", new String[] {"frames_raw"}, "frames_round")
                .node("Max", new String[] {"frames_round", "one_f"}, "frames")
                .node("Cast", new String[] {"frames"}, "frames_i", "to", OnnxWriter.INT64)
                .node("Mul", new String[] {"frames_i", "hop_length"}, "tone_length")
                .node("Reshape", new String[] {"input", "flat"}, "ids_all")
                .node("Slice", new String[] {"ids_all", "start0", "input_lengths", "axis0"}, "ids")
                .node("Gather", new String[] {"frequencies", "ids"}, "hz", "axis", 0)
                .node("Unsqueeze", new String[] {"hz", "axis1"}, "hz_column")
                .node("Range", new String[] {"zero_i", "tone_length", "one_i"}, "t_i")
                .node("Cast", new String[] {"t_i"}, "t", "to", OnnxWriter.FLOAT)
                .node("Mul", new String[] {"t", "omega"}, "t_omega")
                .node("Unsqueeze", new String[] {"t_omega", "axis0"}, "t_row")
                .node("Mul", new String[] {"hz_column", "t_row"}, "phase")
                .node("Sin", new String[] {"phase"}, "wave");
        if (multi) {
            g.constant("speaker_step", new float[] {(float) (SPEAKER_AMPLITUDE_STEP * spec.gain())})
                    .node("Cast", new String[] {"sid"}, "sid_f", "to", OnnxWriter.FLOAT)
                    .node("Add", new String[] {"sid_f", "one_f"}, "sid_plus_one")
                    .node("Mul", new String[] {"sid_plus_one", "speaker_step"}, "amplitude");
        } else {
            g.constant("amplitude", new float[] {(float) (AMPLITUDE * spec.gain())});
        }
        String scaled = "scaled";
        g.node("Mul", new String[] {"wave", "amplitude"}, scaled);
        if (spec.layers() > 0) {
            float[] identity = new float[HOP_LENGTH * HOP_LENGTH];
            for (int i = 0; i < HOP_LENGTH; i++) {
                identity[i * HOP_LENGTH + i] = 1;
            }
            g.constant("identity", identity, HOP_LENGTH, HOP_LENGTH)
                    .constant("rows", new long[] {-1, HOP_LENGTH}, 2)
                    .node("Reshape", new String[] {scaled, "rows"}, "layer_0");
            for (int l = 0; l < spec.layers(); l++) {
                g.node("MatMul", new String[] {"layer_" + l, "identity"}, "layer_" + (l + 1));
            }
            scaled = "layer_" + spec.layers();
        }
        g.node("Reshape", new String[] {scaled, "output_shape"}, "output");
        if (spec.durations()) {
            g.node("Shape", new String[] {"ids"}, "ids_shape")
                    .node("Expand", new String[] {"frames", "ids_shape"}, "durations_flat")
                    .node("Unsqueeze", new String[] {"durations_flat", "axis0"}, "durations");
        }
        return g.model(spec.name(), "chorus-test-voice", IR_VERSION, OPSET);
    }

    /** Returns the {@code .onnx.json} config of {@code spec}, laid out as Piper writes it. */
    public static byte[] config(Spec spec) {
        Map<String, Object> audio = new LinkedHashMap<>();
        audio.put("sample_rate", SAMPLE_RATE);
        audio.put("quality", "x_low");
        if (spec.durations()) {
            audio.put("hop_length", HOP_LENGTH);
        }
        Map<String, Object> inference = new LinkedHashMap<>();
        inference.put("noise_scale", 0.667);
        inference.put("length_scale", 1.0);
        inference.put("noise_w", 0.8);
        Map<String, Object> ids = new LinkedHashMap<>();
        PHONEME_ID_MAP.forEach((phoneme, id) -> ids.put(phoneme, List.of(id)));
        Map<String, Object> speakers = new LinkedHashMap<>();
        if (spec.speakers() > 1) {
            for (int i = 0; i < spec.speakers(); i++) {
                speakers.put(SPEAKERS.get(i), i);
            }
        }
        Map<String, Object> language = new LinkedHashMap<>();
        language.put("code", "en_US");
        language.put("family", "en");
        language.put("region", "US");
        language.put("name_native", "English");
        language.put("name_english", "English");
        language.put("country_english", "United States");

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("audio", audio);
        root.put("espeak", Map.of("voice", "en-us"));
        root.put("inference", inference);
        root.put("phoneme_type", "espeak");
        root.put("phoneme_map", Map.of());
        root.put("phoneme_id_map", ids);
        root.put("num_symbols", NUM_SYMBOLS);
        root.put("num_speakers", spec.speakers());
        root.put("speaker_id_map", speakers);
        root.put("piper_version", "1.0.0");
        root.put("language", language);
        root.put("dataset", spec.name());
        try {
            DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"));
            String json = new ObjectMapper().writer(printer).writeValueAsString(root);
            return (json + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@link #standard()} into the directory {@code args[0]}.
     *
     * @param args the target directory
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: TestVoiceGenerator DIRECTORY");
            System.exit(2);
        }
        for (Spec spec : standard()) {
            write(spec, Path.of(args[0]));
        }
    }

    private static Map<String, Integer> phonemeIdMap() {
        List<String> symbols = new ArrayList<>(List.of("_", "^", "$", " ", "!", "'", "(", ")", ",", "-", ".", ":",
                ";", "?"));
        for (char c = 'a'; c <= 'z'; c++) {
            if (c != 'g') {
                symbols.add(String.valueOf(c));
            }
        }
        "æçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʲˈˌːˑ˞βθχᵻⱱ"
                .codePoints().forEach(cp -> symbols.add(Character.toString(cp)));
        for (char c = '0'; c <= '9'; c++) {
            symbols.add(String.valueOf(c));
        }
        for (int cp : new int[] {0x0327, 0x0303, 0x032A, 0x032F, 0x0329, 0x02B0, 0x02E4, 0x03B5, 0x2193, '#', '"',
                0x2191, 0x033A, 0x033B, 'g', 0x02A6, 'X', 0x031D, 0x030A}) {
            symbols.add(Character.toString(cp));
        }
        Map<String, Integer> map = new LinkedHashMap<>();
        for (String s : symbols) {
            if (map.put(s, map.size()) != null) {
                throw new IllegalStateException("duplicate phoneme " + s);
            }
        }
        return Collections.unmodifiableMap(map);
    }
}
