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
import dev.chorus.onnx.batch.Batcher;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>Batching: concurrent sentences run as one batch ({@link Batcher}) only when the model can report each item's
 * true length and takes a batch: a {@code durations} (or {@code duration}) output [B, N], a batch dimension on the
 * ids, the style and the audio [B, T], and a probe at load shows it. The probe runs two items alone and then as a
 * batch of two, and batching stays off unless the batch gives each item its own audio: the same sample count and
 * the same samples (within {@value #PROBE_TOLERANCE}). Items are padded after their end token with the pad id 0 to
 * the longest of the batch; each keeps its own style row (chosen by its own token count) and, when the model's
 * {@code speed} input has a batch dimension, its own speed (else only sentences of equal speed share a batch). An
 * item's audio is cut back to the sum of its own tokens' durations times the samples per duration unit, which the
 * probe measures (Kokoro's durations are frames of 600 samples).
 */
final class KokoroModel implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(KokoroModel.class.getName());

    /** The largest difference of a sample between a probe item's batched and lone runs that still batches. */
    static final double PROBE_TOLERANCE = 1e-4;

    /** One sentence of a batch: its ids with the pads, its style row and its speed. */
    record Item(long[] ids, float[] style, float speed) {
    }

    /** What every item of one batch shares: the speed when the model takes one speed per run, else 0. */
    record Key(float speed) {
    }

    /** How this engine batches: the largest batch (1: never) and the longest wait for one. */
    record Batching(int maxSize, Duration maxWait) {
    }

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
    /** Why the model cannot batch, or null when its interface allows it (the probe at load decides). */
    private final String unbatchable;
    private final boolean speedPerItem;
    private volatile double samplesPerDuration;
    private volatile Batcher<Item, Key, Output> batcher;
    private volatile String unbatched;
    private final int batchesInFlight;

    private KokoroModel(String name, int version, Path file, int sampleRate, int rows, int dim, Tokens tokens,
                        Map<String, Speaker> speakers, SessionFactory sessions, OrtSession session, Io io,
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
        this.idsInput = io.ids();
        this.styleInput = io.style();
        this.speedInput = io.speed();
        this.audioOutput = io.audio();
        this.durationsOutput = io.durations();
        this.unbatchable = io.unbatchable();
        this.speedPerItem = io.speedPerItem();
        this.limiter = new RunLimiter("kokoro:" + name + "@" + version, maxRuns);
        this.buffers = new BufferPool(2 * maxRuns);
        this.batchesInFlight = Batcher.inFlight(sessions, maxRuns);
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
                              OrtSession session, Parts parts, int maxRuns, Batching batching, Runnable onClose)
            throws ModelLoadException {
        boolean ok = false;
        try {
            Io io = io(ModelInterface.of(file, session), file, parts.dim());
            KokoroModel model = new KokoroModel(name, version, file, parts.sampleRate(), parts.rows(), parts.dim(),
                    parts.tokens(), parts.speakers(), sessions, session, io, maxRuns, onClose);
            model.check();
            if (batching.maxSize() > 1) {
                model.enableBatching(batching);
            }
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

    /** The inputs and outputs found, why the model cannot batch (null if it may), and whether speed has a batch. */
    private record Io(String ids, String style, String speed, String audio, String durations, String unbatchable,
                      boolean speedPerItem) {
    }

    private static Io io(ModelInterface m, Path file, int dim) throws ModelLoadException {
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
        String unbatchable = null;
        if (durations == null) {
            unbatchable = "it has no durations output, so a batch item's true length is unknown";
        } else if (!batchDimension(m, ids) || !batchDimension(m, style)) {
            unbatchable = "its inputs " + ids + " and " + style + " have no batch dimension";
        } else if (!batchDimension(m, audio) || m.spec(audio).orElseThrow().dims().length != 2
                || !batchDimension(m, durations) || m.spec(durations).orElseThrow().dims().length != 2) {
            unbatchable = "its outputs " + audio + " and " + durations + " are not [batch, ?]";
        }
        return new Io(ids, style, speed, audio, durations, unbatchable, batchDimension(m, speed));
    }

    private static boolean batchDimension(ModelInterface m, String name) {
        return m.spec(name).map(s -> s.dims().length >= 1 && s.dims()[0] < 0).orElse(false);
    }

    /**
     * Turns batching on if the model's interface allows it and a probe batch gives each item its own audio;
     * else says once in the log why sentences run one at a time.
     */
    private void enableBatching(Batching batching) {
        String problem = unbatchable != null ? unbatchable : probe();
        if (problem != null) {
            unbatched = problem;
            LOG.log(System.Logger.Level.INFO, "{0}: sentences run one at a time, not in batches: {1}", this,
                    problem);
            return;
        }
        batcher = Batcher.of(new Batcher.Runner<>() {
            @Override
            public Output runOne(Item item, Key key) throws OrtException {
                return run(item.ids(), item.style(), item.speed());
            }

            @Override
            public List<Output> runBatch(List<Item> items, Key key) throws OrtException {
                return limiter.run(() -> runBatchNow(items));
            }
        }, batching.maxSize(), batching.maxWait(), batchesInFlight);
    }

    /** Measures the samples per duration unit and checks a batch of two against lone runs; returns a problem. */
    private String probe() {
        float[] table = speakers.values().iterator().next().styles();
        long[] shortIds = {0, tokens.maxId(), 0};
        long[] longIds = {0, tokens.maxId(), 1, tokens.maxId(), 1, 0};
        List<Item> items = List.of(new Item(shortIds, style(table, 1), 1f),
                new Item(longIds, style(table, 4), speedPerItem ? 1.25f : 1f));
        try {
            List<Output> alone = new ArrayList<>();
            for (Item i : items) {
                alone.add(runNow(i.ids(), i.style(), i.speed()));
            }
            Output first = alone.getFirst();
            double units = first.durations() == null ? 0 : sum(first.durations());
            if (units <= 0 || first.audio().length == 0) {
                return "a test run reported no durations for its " + shortIds.length + " tokens";
            }
            samplesPerDuration = first.audio().length / units;
            List<Output> batched = runBatchNow(items);
            for (int i = 0; i < items.size(); i++) {
                float[] a = alone.get(i).audio();
                float[] b = batched.get(i).audio();
                if (a.length != b.length) {
                    return "in a probe batch, item " + i + " has " + b.length + " samples where it has " + a.length
                            + " alone (its durations do not give its length)";
                }
                for (int k = 0; k < a.length; k++) {
                    if (Math.abs(a[k] - b[k]) > PROBE_TOLERANCE) {
                        return "in a probe batch, item " + i + " sounds different from the same item alone (sample "
                                + k + ": " + b[k] + " against " + a[k] + "): the padding changes its audio";
                    }
                }
            }
            return null;
        } catch (OrtException | RuntimeException e) {
            return "a probe batch of two sentences failed: " + e.getMessage();
        }
    }

    private static double sum(float[] durations) {
        double total = 0;
        for (float d : durations) {
            total += Math.max(0, d);
        }
        return total;
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

    /** Returns the batcher, when the model batches. */
    Batcher<Item, Key, Output> batcher() {
        return batcher;
    }

    /** Returns why the model runs one sentence at a time although batching is on, or null. */
    String unbatched() {
        return unbatched;
    }

    /** Runs one sentence: in a batch with concurrent ones when the model batches. */
    Output synthesize(long[] ids, float[] style, float speed) throws OrtException {
        Batcher<Item, Key, Output> b = batcher;
        return b != null ? b.run(new Item(ids, style, speed), ids.length, new Key(speedPerItem ? 0f : speed))
                : run(ids, style, speed);
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

    /**
     * Runs items as one batch: ids padded with the pad id 0 after each item's end token to the longest, one style
     * row per item, one speed per item (or the shared one); each item's audio cut back to its durations' length.
     */
    private List<Output> runBatchNow(List<Item> items) throws OrtException {
        int batch = items.size();
        int width = items.stream().mapToInt(i -> i.ids().length).max().orElse(0);
        long[] ids = new long[batch * width];
        float[] styles = new float[batch * dim];
        float[] speeds = speedPerItem ? new float[batch] : new float[] {items.getFirst().speed()};
        for (int i = 0; i < batch; i++) {
            Item item = items.get(i);
            System.arraycopy(item.ids(), 0, ids, i * width, item.ids().length);
            System.arraycopy(item.style(), 0, styles, i * dim, dim);
            if (speedPerItem) {
                speeds[i] = item.speed();
            }
        }
        try (BufferPool.Buffers b = buffers.acquire()) {
            List<OnnxTensor> tensors = new ArrayList<>(3);
            try {
                Map<String, OnnxTensor> in = new HashMap<>(4);
                in.put(idsInput, track(tensors, OnnxTensor.createTensor(env, b.longs(idsInput, ids),
                        new long[] {batch, width})));
                in.put(styleInput, track(tensors, OnnxTensor.createTensor(env, b.floats(styleInput, styles),
                        new long[] {batch, dim})));
                in.put(speedInput, track(tensors, OnnxTensor.createTensor(env, b.floats(speedInput, speeds),
                        new long[] {speeds.length})));
                try (OrtSession.Result result = session.run(in)) {
                    return cut(result, items, width);
                }
            } finally {
                tensors.forEach(OnnxTensor::close);
            }
        }
    }

    private List<Output> cut(OrtSession.Result result, List<Item> items, int width) {
        int batch = items.size();
        if (!(result.get(audioOutput).orElse(null) instanceof OnnxTensor audio)
                || audio.getInfo().getShape().length != 2 || audio.getInfo().getShape()[0] != batch) {
            throw new IllegalStateException(this + ": a batch of " + batch + " gave no " + audioOutput
                    + " [" + batch + ", samples]");
        }
        int stride = (int) audio.getInfo().getShape()[1];
        float[] durations = floats(result.get(durationsOutput));
        if (durations == null || durations.length != batch * width) {
            throw new IllegalStateException(this + ": a batch of " + batch + " x " + width + " tokens gave "
                    + (durations == null ? "no" : durations.length) + " durations");
        }
        FloatBuffer all = audio.getFloatBuffer();
        List<Output> out = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            float[] own = Arrays.copyOfRange(durations, i * width, i * width + items.get(i).ids().length);
            long samples = Math.round(sum(own) * samplesPerDuration);
            if (samples > stride) {
                throw new IllegalStateException(this + ": batch item " + i + " lasts " + samples + " samples by its "
                        + "durations, more than the batch's " + stride);
            }
            float[] audioOf = new float[(int) samples];
            all.get(i * stride, audioOf);
            out.add(new Output(audioOf, own));
        }
        return out;
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
