package dev.chorus.asr.paraformer.internal;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtSession;
import dev.chorus.asr.paraformer.features.Fbank;
import dev.chorus.asr.paraformer.features.LowFrameRate;
import dev.chorus.onnx.ModelInterface;
import dev.chorus.onnx.ModelLoadException;
import dev.chorus.onnx.OnnxMetadata;
import dev.chorus.onnx.SessionFactory;
import dev.chorus.onnx.TensorSpec;
import dev.chorus.onnx.speech.TokensFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A loaded Paraformer model in the layout sherpa-onnx publishes: the ONNX graph with inputs {@code speech}
 * {@code FLOAT[N,T,560]} and {@code speech_lengths} {@code INT32[N]}, outputs {@code logits} {@code FLOAT[N,T',V]}
 * and {@code token_num} ({@code INT32} or {@code INT64} {@code [N]}), optionally {@code us_cif_peak}
 * {@code FLOAT[N,L]} (models with timestamps); metadata {@code lfr_window_size}, {@code lfr_window_shift},
 * {@code neg_mean} and {@code inv_stddev} (comma-separated), optionally {@code vocab_size}; and {@code tokens.txt}
 * beside it. Every part is checked at load, and a missing one is named.
 *
 * @param session  the session (thread-safe; closed by the recognizer)
 * @param features the stacking and normalization the metadata describes
 * @param symbols  the vocabulary, by id
 * @param eos      the id of {@code </s>}, or -1
 * @param peaks    whether the model has the {@code us_cif_peak} output
 */
record ParaformerModel(OrtSession session, LowFrameRate features, Map<Long, String> symbols, long eos,
                       boolean peaks) {

    static final String SPEECH = "speech";
    static final String SPEECH_LENGTHS = "speech_lengths";
    static final String LOGITS = "logits";
    static final String TOKEN_NUM = "token_num";
    static final String PEAKS = "us_cif_peak";
    static final String INTERFACE = "speech FLOAT[N,T,560], speech_lengths INT32[N] -> logits, token_num";

    /**
     * Loads {@code model} and the {@code tokens} beside it.
     *
     * @throws ModelLoadException naming the file and the part that is missing or does not fit
     */
    static ParaformerModel load(SessionFactory sessions, Path model, Path tokens) throws ModelLoadException {
        Map<String, String> meta;
        byte[] bytes;
        try {
            meta = OnnxMetadata.read(model);
            bytes = Files.readAllBytes(model);
        } catch (IOException e) {
            throw new ModelLoadException(model, "cannot read the model: " + e.getMessage(), e);
        }
        int window = intMeta(model, meta, "lfr_window_size");
        int shift = intMeta(model, meta, "lfr_window_shift");
        int dim = window * Fbank.BINS;
        float[] negMean = floats(model, meta, "neg_mean", dim);
        float[] invStddev = floats(model, meta, "inv_stddev", dim);
        Map<Long, String> symbols;
        try {
            symbols = TokensFile.parseSymbols(Files.readAllBytes(tokens));
        } catch (IOException e) {
            throw new ModelLoadException(tokens, "cannot read the tokens file (expected: tokens.txt beside the "
                    + "model): " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(tokens, e.getMessage(), e);
        }
        OrtSession session = sessions.create(model, bytes);
        try {
            ModelInterface mi = ModelInterface.of(model, session)
                    .requireInput(SPEECH, TensorSpec.of(OnnxJavaType.FLOAT, TensorSpec.ANY, TensorSpec.ANY, dim),
                            INTERFACE)
                    .requireInput(SPEECH_LENGTHS, TensorSpec.of(OnnxJavaType.INT32, TensorSpec.ANY), INTERFACE)
                    .onlyInputs(java.util.List.of(SPEECH, SPEECH_LENGTHS), INTERFACE)
                    .requireOutput(LOGITS, TensorSpec.of(OnnxJavaType.FLOAT, TensorSpec.ANY, TensorSpec.ANY,
                            TensorSpec.ANY));
            if (!mi.hasOutput(TOKEN_NUM)) {
                throw new ModelLoadException(model, "the model has no output '" + TOKEN_NUM + "' (expected: "
                        + INTERFACE + ")");
            }
            OnnxJavaType countType = mi.spec(TOKEN_NUM).map(TensorSpec::type).orElse(OnnxJavaType.UNKNOWN);
            if (countType != OnnxJavaType.INT32 && countType != OnnxJavaType.INT64) {
                throw new ModelLoadException(model, "output '" + TOKEN_NUM + "' has type " + countType
                        + " (expected: INT32[N] or INT64[N])");
            }
            boolean peaks = mi.hasOutput(PEAKS);
            if (peaks) {
                mi.requireOutput(PEAKS, TensorSpec.of(OnnxJavaType.FLOAT, TensorSpec.ANY, TensorSpec.ANY));
            }
            long vocab = mi.spec(LOGITS).map(s -> s.dims()[2]).orElse(-1L);
            if (meta.containsKey("vocab_size")) {
                vocab = intMeta(model, meta, "vocab_size");
            }
            long largest = symbols.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
            if (vocab > 0 && largest >= vocab) {
                throw new ModelLoadException(tokens, "token id " + largest + " is outside the model's vocabulary of "
                        + vocab + " (expected: the tokens.txt that came with " + model.getFileName() + ")");
            }
            long eos = symbols.entrySet().stream().filter(e -> e.getValue().equals("</s>"))
                    .mapToLong(Map.Entry::getKey).findFirst().orElse(-1);
            return new ParaformerModel(session, LowFrameRate.of(window, shift, Fbank.BINS, negMean, invStddev),
                    Map.copyOf(symbols), eos, peaks);
        } catch (ModelLoadException | RuntimeException e) {
            SessionFactory.closeQuietly(session);
            throw e;
        }
    }

    private static int intMeta(Path model, Map<String, String> meta, String key) throws ModelLoadException {
        String value = meta.get(key);
        if (value == null) {
            throw new ModelLoadException(model, "metadata '" + key + "' is missing (expected: a Paraformer model "
                    + "exported for sherpa-onnx, with lfr_window_size, lfr_window_shift, neg_mean and inv_stddev)");
        }
        try {
            int v = Integer.parseInt(value.strip());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelLoadException(model, "metadata '" + key + "' is '" + value + "' (expected: an integer >= 1)");
    }

    private static float[] floats(Path model, Map<String, String> meta, String key, int dim)
            throws ModelLoadException {
        String value = meta.get(key);
        if (value == null) {
            throw new ModelLoadException(model, "metadata '" + key + "' is missing (expected: " + dim
                    + " comma-separated numbers, the model's CMVN)");
        }
        String[] parts = value.split(",");
        if (parts.length != dim) {
            throw new ModelLoadException(model, "metadata '" + key + "' has " + parts.length + " values (expected: "
                    + dim + ", lfr_window_size x " + Fbank.BINS + ")");
        }
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            try {
                out[i] = Float.parseFloat(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new ModelLoadException(model, "metadata '" + key + "' value " + (i + 1) + " is '"
                        + parts[i].strip() + "' (expected: a number)");
            }
        }
        return out;
    }
}
