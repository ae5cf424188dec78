package dev.chorus.engine.kokoro.internal;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.chorus.onnx.BufferPool;
import dev.chorus.onnx.ExecutionProvider;
import dev.chorus.onnx.ModelInterface;
import dev.chorus.onnx.ModelLoadException;
import dev.chorus.onnx.RunLimiter;
import dev.chorus.onnx.SessionFactory;
import dev.chorus.onnx.TensorSpec;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One loaded Kokoro model directory (one version): the session shared by every speaker and thread, the vocabulary,
 * and every speaker's style table ({@code rows × dim} floats; row {@code n} is the style for {@code n} tokens
 * between the pads). The model's inputs are found by type, whatever their names ({@code input_ids} or
 * {@code tokens}; {@code style}; {@code speed}); its audio is its float output ({@code waveform} or {@code audio}),
 * and an output named {@code durations} gives word timings.
 */
final class KokoroModel implements AutoCloseable {

    /** A run's audio and, when the model reports them, each token's duration. */
    record Output(float[] audio, float[] durations) {
    }

    /** One speaker's styles. */
    record Speaker(String name, float[] styles, String espeakVoice, String language) {
    }

    final String name;
    final int version;
    final Path file;
    final int sampleRate;
    final int rows;
    final int dim;
    final Tokens tokens;
    final Map<String, Speaker> speakers;
    final ExecutionProvider provider;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String idsInput;
    private final String styleInput;
    private final String speedInput;
    private final String audioOutput;
    private final String durationsOutput;
    private final RunLimiter limiter;
    private final BufferPool buffers;
    private final Runnable onClose;

    private KokoroModel(String name, int version, Path file, int sampleRate, int rows, int dim, Tokens tokens,
                        Map<String, Speaker> speakers, SessionFactory sessions, OrtSession session, String[] io,
                        int maxRuns, Runnable onClose) {
        this.name = name;
        this.version = version;
        this.file = file;
        this.sampleRate = sampleRate;
        this.rows = rows;
        this.dim = dim;
        this.tokens = tokens;
        this.speakers = speakers;
        this.provider = sessions.provider();
        this.env = sessions.environment();
        this.session = session;
        this.idsInput = io[0];
        this.styleInput = io[1];
        this.speedInput = io[2];
        this.audioOutput = io[3];
        this.durationsOutput = io[4];
        this.limiter = new RunLimiter("kokoro:" + name + "@" + version, maxRuns);
        this.buffers = new BufferPool(2 * maxRuns);
        this.onClose = onClose;
    }

    /** What the loader has read from the directory's files before the session is made. */
    record Parts(int sampleRate, int rows, int dim, Tokens tokens, Map<String, Speaker> speakers) {
    }

    /**
     * Creates the session, finds its inputs and outputs, and test-runs it with every speaker's first style.
     * Closes the session if it does not fit.
     *
     * @throws ModelLoadException naming the file and what does not fit
     */
    static KokoroModel create(String name, int version, Path file, byte[] bytes, SessionFactory sessions,
                              OrtSession session, Parts parts, int maxRuns, Runnable onClose)
            throws ModelLoadException {
        boolean ok = false;
        try {
            String[] io = io(ModelInterface.of(file, session), file, parts.dim());
            KokoroModel model = new KokoroModel(name, version, file, parts.sampleRate(), parts.rows(), parts.dim(),
                    parts.tokens(), parts.speakers(), sessions, session, io, maxRuns, onClose);
            model.check();
            ok = true;
            return model;
        } finally {
            if (!ok) {
                SessionFactory.closeQuietly(session);
            }
        }
    }

    private static final String INTERFACE = "Kokoro's interface: input_ids INT64[1,?], style FLOAT[1,256], "
            + "speed FLOAT[1]; output waveform FLOAT";

    private static String[] io(ModelInterface m, Path file, int dim) throws ModelLoadException {
        String ids = null;
        String style = null;
        String speed = null;
        for (String in : m.inputs()) {
            TensorSpec s = m.spec(in).orElse(null);
            if (s == null) {
                continue;
            }
            if (s.type() == OnnxJavaType.INT64 && s.dims().length == 2 && ids == null) {
                ids = in;
            } else if (s.type() == OnnxJavaType.FLOAT && s.dims().length == 2 && style == null) {
                style = in;
            } else if (s.type() == OnnxJavaType.FLOAT && s.dims().length == 1 && speed == null) {
                speed = in;
            } else {
                throw new ModelLoadException(file, "model input '" + in + "' " + s + " is not part of the interface "
                        + "(expected: " + INTERFACE + ")");
            }
        }
        if (ids == null || style == null || speed == null) {
            throw new ModelLoadException(file, "the model has inputs " + m.inputs() + " (expected: " + INTERFACE
                    + ")");
        }
        m.requireInput(style, TensorSpec.of(OnnxJavaType.FLOAT, 1, dim), INTERFACE);
        String audio = null;
        String durations = null;
        for (String out : m.outputs()) {
            if (out.equals("durations") || out.equals("duration")) {
                durations = out;
            } else if (audio == null && m.spec(out).filter(s -> s.type() == OnnxJavaType.FLOAT).isPresent()) {
                audio = out;
            }
        }
        if (audio == null) {
            throw new ModelLoadException(file, "the model has no float output (expected: " + INTERFACE + ")");
        }
        return new String[] {ids, style, speed, audio, durations};
    }

    private void check() throws ModelLoadException {
        long[] basic = {0, tokens.maxId(), 0};
        for (Speaker s : speakers.values()) {
            Output out;
            try {
                out = runNow(basic, style(s.styles(), 1), 1f);
            } catch (OrtException e) {
                throw new ModelLoadException(file, "a test run on ids " + java.util.Arrays.toString(basic)
                        + " with the style of " + s.name() + " failed (the vocabulary in tokens.txt may not match "
                        + "the model): " + e.getMessage());
            }
            if (out.audio() == null || out.audio().length == 0) {
                throw new ModelLoadException(file, "a test run produced no audio (expected: " + INTERFACE + ")");
            }
        }
    }

    /** Returns the style row for {@code inner} tokens of a style table. */
    float[] style(float[] table, int inner) {
        int row = Math.min(Math.max(inner, 0), rows - 1);
        float[] out = new float[dim];
        System.arraycopy(table, row * dim, out, 0, dim);
        return out;
    }

    /** Returns whether the model reports durations. */
    boolean hasDurations() {
        return durationsOutput != null;
    }

    /** Runs once a run slot is free. */
    Output run(long[] ids, float[] style, float speed) throws OrtException {
        return limiter.run(() -> runNow(ids, style, speed));
    }

    private Output runNow(long[] ids, float[] style, float speed) throws OrtException {
        try (BufferPool.Buffers b = buffers.acquire()) {
            List<OnnxTensor> tensors = new ArrayList<>(3);
            try {
                Map<String, OnnxTensor> in = new HashMap<>(4);
                in.put(idsInput, track(tensors, OnnxTensor.createTensor(env, b.longs(idsInput, ids),
                        new long[] {1, ids.length})));
                in.put(styleInput, track(tensors, OnnxTensor.createTensor(env, b.floats(styleInput, style),
                        new long[] {1, style.length})));
                in.put(speedInput, track(tensors, OnnxTensor.createTensor(env, b.floats(speedInput, speed),
                        new long[] {1})));
                try (OrtSession.Result result = session.run(in)) {
                    float[] audio = floats(result.get(audioOutput));
                    float[] durations = durationsOutput == null ? null : floats(result.get(durationsOutput));
                    if (durations != null && durations.length != ids.length) {
                        durations = null;
                    }
                    return new Output(audio, durations);
                }
            } finally {
                tensors.forEach(OnnxTensor::close);
            }
        }
    }

    private static OnnxTensor track(List<OnnxTensor> list, OnnxTensor t) {
        list.add(t);
        return t;
    }

    private static float[] floats(Optional<OnnxValue> value) {
        if (value.isEmpty() || !(value.get() instanceof OnnxTensor t)) {
            return null;
        }
        if (t.getInfo().type == OnnxJavaType.FLOAT) {
            FloatBuffer fb = t.getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
        if (t.getInfo().type == OnnxJavaType.INT64) {
            LongBuffer lb = t.getLongBuffer();
            float[] out = new float[lb.remaining()];
            for (int i = 0; i < out.length; i++) {
                out[i] = lb.get(i);
            }
            return out;
        }
        return null;
    }

    @Override
    public void close() {
        SessionFactory.closeQuietly(session);
        onClose.run();
    }

    @Override
    public String toString() {
        return "kokoro:" + name + "@" + version;
    }
}
