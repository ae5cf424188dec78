package dev.chorus.engine.amvocoder.internal;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One loaded voice directory: the acoustic model's session, the vocoder's, the vocabulary and the metadata. A run
 * hands the acoustic model's mel output to the vocoder as the {@link OnnxTensor} ONNX Runtime returned: no Java array
 * holds the mel on the way ({@link #handOff}). The acoustic model's inputs are found by name and type: the ids
 * (int64 [1, N]), and, when present, their length ({@code *len*}, int64 [1]), {@code noise_scale}, the length scale
 * ({@code length_scale} or {@code alpha}; {@code speed} takes its inverse), the ODE steps ({@code n_timesteps} or
 * {@code steps}) and the speaker ({@code sid}).
 */
final class AmModel implements AutoCloseable {

    /** A run's audio and, when the acoustic model reports them, each id's duration. */
    record Output(float[] audio, float[] durations) {
    }

    /** The controls of one run. */
    record Controls(float lengthScale, float noiseScale, int steps, int speaker) {
    }

    final String name;
    final int version;
    final Path acousticFile;
    final Path vocoderFile;
    final int sampleRate;
    final int speakers;
    final String espeakVoice;
    final long blank;
    final TokenTable tokens;
    final ExecutionProvider provider;
    final boolean vocos;

    private final OrtEnvironment env;
    private final OrtSession acoustic;
    private final OrtSession vocoder;
    private final Map<String, String> roles;
    private final String melOutput;
    private final String durationsOutput;
    private final String vocoderInput;
    private final List<String> vocoderOutputs;
    private final Istft istft;
    private final RunLimiter limiter;
    private final BufferPool buffers;
    final boolean batchable;
    private final boolean copyHandOff;
    private final Batcher<long[], Controls, Output> batcher;

    private AmModel(Builder b) {
        this.name = b.name;
        this.version = b.version;
        this.acousticFile = b.acousticFile;
        this.vocoderFile = b.vocoderFile;
        this.sampleRate = b.sampleRate;
        this.speakers = b.speakers;
        this.espeakVoice = b.espeakVoice;
        this.blank = b.blank;
        this.tokens = b.tokens;
        this.provider = b.sessions.provider();
        this.env = b.sessions.environment();
        this.acoustic = b.acoustic;
        this.vocoder = b.vocoder;
        this.roles = b.roles;
        this.melOutput = b.melOutput;
        this.durationsOutput = b.durationsOutput;
        this.vocoderInput = b.vocoderInput;
        this.vocoderOutputs = b.vocoderOutputs;
        this.istft = b.istft;
        this.vocos = b.istft != null;
        this.limiter = new RunLimiter(b.name + "@" + b.version, b.maxRuns);
        this.buffers = new BufferPool(2 * b.maxRuns);
        this.batchable = b.batchable;
        this.copyHandOff = b.copyHandOff;
        this.batcher = b.batchable && b.batchSize > 1 ? Batcher.of(new Batcher.Runner<>() {
            @Override
            public Output runOne(long[] ids, Controls c) throws OrtException {
                return run(ids, c);
            }

            @Override
            public List<Output> runBatch(List<long[]> items, Controls c) throws OrtException {
                return AmModel.this.runBatch(items, c);
            }
        }, b.batchSize, Duration.ofNanos(b.batchWaitNanos), Batcher.inFlight(b.sessions, b.maxRuns)) : null;
    }

    /** What the family read from the files; {@link #create} checks the sessions against it. */
    static final class Builder {
        String name;
        int version;
        Path acousticFile;
        Path vocoderFile;
        int sampleRate;
        int speakers;
        String espeakVoice;
        long blank;
        TokenTable tokens;
        SessionFactory sessions;
        OrtSession acoustic;
        OrtSession vocoder;
        Istft istft;
        int maxRuns;
        Map<String, String> roles;
        String melOutput;
        String durationsOutput;
        String vocoderInput;
        List<String> vocoderOutputs;
        boolean batchable;
        boolean copyHandOff;
        int batchSize;
        long batchWaitNanos;
    }

    private static final String ACOUSTIC = "an acoustic model: ids INT64[1,?] and optionally their length, "
            + "noise_scale, length_scale (or alpha, speed), n_timesteps, sid; output mel FLOAT[1,MELS,?]";

    /**
     * Finds the sessions' inputs and outputs, checks them and test-runs the pair.
     *
     * @throws ModelLoadException naming the file and what does not fit
     */
    static AmModel create(Builder b) throws ModelLoadException {
        ModelInterface am = ModelInterface.of(b.acousticFile, b.acoustic);
        Map<String, String> roles = new HashMap<>();
        for (String in : am.inputs()) {
            TensorSpec s = am.spec(in).orElseThrow(() -> new ModelLoadException(b.acousticFile, "input '" + in
                    + "' is not a tensor (expected: " + ACOUSTIC + ")"));
            String n = in.toLowerCase(Locale.ROOT);
            String role;
            if (s.type() == OnnxJavaType.INT64 && s.dims().length == 2) {
                role = "ids";
            } else if (n.contains("len") && !n.contains("scale")) {
                role = "length";
            } else if (n.contains("sid") || n.contains("speaker")) {
                role = "sid";
            } else if (n.contains("step")) {
                role = "steps";
            } else if (n.contains("noise")) {
                role = "noise";
            } else if (n.equals("speed")) {
                role = "speed";
            } else if (n.contains("length_scale") || n.equals("alpha") || n.contains("duration")) {
                role = "length_scale";
            } else {
                throw new ModelLoadException(b.acousticFile, "model input '" + in + "' " + s + " is not part of the "
                        + "interface (expected: " + ACOUSTIC + ")");
            }
            if (roles.containsValue(role)) {
                throw new ModelLoadException(b.acousticFile, "model input '" + in + "' is a second " + role
                        + " input (expected: " + ACOUSTIC + ")");
            }
            roles.put(in, role);
        }
        if (!roles.containsValue("ids")) {
            throw new ModelLoadException(b.acousticFile, "the model has no INT64[1,?] ids input (expected: " + ACOUSTIC
                    + ")");
        }
        String mel = am.hasOutput("mel") ? "mel" : am.outputs().getFirst();
        am.requireOutput(mel, TensorSpec.of(OnnxJavaType.FLOAT, 1, TensorSpec.ANY, TensorSpec.ANY));
        b.roles = roles;
        b.melOutput = mel;
        b.durationsOutput = am.outputs().stream().filter(o -> o.startsWith("duration")).findFirst().orElse(null);
        ModelInterface voc = ModelInterface.of(b.vocoderFile, b.vocoder);
        if (voc.inputs().size() != 1) {
            throw new ModelLoadException(b.vocoderFile, "the vocoder has inputs " + voc.inputs()
                    + " (expected: one, the mel FLOAT[1,MELS,?])");
        }
        b.vocoderInput = voc.inputs().getFirst();
        voc.requireInput(b.vocoderInput, TensorSpec.of(OnnxJavaType.FLOAT, 1, TensorSpec.ANY, TensorSpec.ANY),
                "the mel FLOAT[1,MELS,?]");
        if (b.istft != null) {
            List<String> outs = voc.outputs();
            if (outs.size() < 3) {
                throw new ModelLoadException(b.vocoderFile, "a Vocos vocoder has outputs " + outs
                        + " (expected: mag, x, y as FLOAT[1,n_fft/2+1,?])");
            }
            b.vocoderOutputs = outs.containsAll(List.of("mag", "x", "y")) ? List.of("mag", "x", "y")
                    : outs.subList(0, 3);
        } else {
            b.vocoderOutputs = List.of(voc.outputs().getFirst());
        }
        // Batching needs each item's true length back: per-id durations, a length input, and a batch dimension.
        String idsInput = roles.entrySet().stream().filter(e -> e.getValue().equals("ids")).findFirst().orElseThrow()
                .getKey();
        b.batchable = b.durationsOutput != null && roles.containsValue("length")
                && am.spec(idsInput).orElseThrow().dims()[0] < 0
                && voc.spec(b.vocoderInput).orElseThrow().dims()[0] < 0;
        AmModel model = new AmModel(b);
        model.check();
        return model;
    }

    private void check() throws ModelLoadException {
        long[] ids = tokens.encode("a", blank).ids();
        long[] basic = ids.length == 0 ? new long[] {0} : ids;
        try {
            Output out = runNow(basic, new Controls(1f, 0.667f, 2, 0));
            if (out.audio().length == 0) {
                throw new ModelLoadException(vocoderFile, "a test run produced no audio");
            }
        } catch (IllegalStateException e) {
            throw new ModelLoadException(vocoderFile, e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
        } catch (OrtException e) {
            throw new ModelLoadException(acousticFile, "a test run of the acoustic model and the vocoder "
                    + vocoderFile.getFileName() + " on ids " + java.util.Arrays.toString(basic) + " failed (do the "
                    + "mel bins of the two match?): " + e.getMessage());
        }
        try {
            runNow(new long[] {tokens.maxId()}, new Controls(1f, 0.667f, 2, Math.max(0, speakers - 1)));
        } catch (OrtException e) {
            throw new ModelLoadException(acousticFile, "the model rejects id " + tokens.maxId() + " of tokens.txt or "
                    + "speaker " + (speakers - 1) + ": " + e.getMessage());
        }
    }

    /** Returns whether the acoustic model reports per-id durations. */
    boolean hasDurations() {
        return durationsOutput != null;
    }

    /** Runs one sentence: batched with concurrent ones when the model allows it and batching is on. */
    Output synthesize(long[] ids, Controls c) throws OrtException {
        return batcher != null ? batcher.run(ids, ids.length, c) : run(ids, c);
    }

    /** Returns the batcher, if this model batches. */
    Batcher<long[], Controls, Output> batcher() {
        return batcher;
    }

    /** Runs once a run slot is free. */
    Output run(long[] ids, Controls c) throws OrtException {
        return limiter.run(() -> runNow(ids, c));
    }

    private Output runNow(long[] ids, Controls c) throws OrtException {
        try (OrtSession.Result am = acoustic(ids, c)) {
            OnnxTensor mel = (OnnxTensor) am.get(melOutput).orElseThrow();
            float[] durations = null;
            if (durationsOutput != null && am.get(durationsOutput).orElse(null) instanceof OnnxTensor d
                    && d.getInfo().type == OnnxJavaType.FLOAT) {
                FloatBuffer fb = d.getFloatBuffer();
                durations = new float[fb.remaining()];
                fb.get(durations);
                if (durations.length != ids.length) {
                    durations = null;
                }
            }
            try (OrtSession.Result audio = copyHandOff ? handOffCopying(mel) : handOff(mel)) {
                return new Output(audio(audio), durations);
            }
        }
    }

    /** Runs the acoustic model; the caller closes the result (and with it the mel). */
    OrtSession.Result acoustic(long[] ids, Controls c) throws OrtException {
        return acoustic(ids, 1, new long[] {ids.length}, c);
    }

    /**
     * Runs the acoustic model on {@code batch} items of {@code ids.length / batch} ids each (padded), whose true
     * lengths are {@code lengths}.
     */
    private OrtSession.Result acoustic(long[] ids, int batch, long[] lengths, Controls c) throws OrtException {
        int width = ids.length / batch;
        try (BufferPool.Buffers b = buffers.acquire()) {
            List<OnnxTensor> tensors = new ArrayList<>(6);
            try {
                Map<String, OnnxTensor> in = new HashMap<>(8);
                for (Map.Entry<String, String> e : roles.entrySet()) {
                    String input = e.getKey();
                    OnnxTensor t = switch (e.getValue()) {
                        case "ids" -> OnnxTensor.createTensor(env, b.longs(input, ids), new long[] {batch, width});
                        case "length" -> OnnxTensor.createTensor(env, b.longs(input, lengths), new long[] {batch});
                        case "sid" -> OnnxTensor.createTensor(env, b.longs(input, c.speaker()), new long[] {1});
                        case "steps" -> OnnxTensor.createTensor(env, b.longs(input, c.steps()), new long[] {1});
                        case "noise" -> OnnxTensor.createTensor(env, b.floats(input, c.noiseScale()),
                                new long[] {1});
                        case "speed" -> OnnxTensor.createTensor(env, b.floats(input, 1f / c.lengthScale()),
                                new long[] {1});
                        default -> OnnxTensor.createTensor(env, b.floats(input, c.lengthScale()), new long[] {1});
                    };
                    tensors.add(t);
                    in.put(input, t);
                }
                return acoustic.run(in);
            } finally {
                tensors.forEach(OnnxTensor::close);
            }
        }
    }

    /**
     * Runs the vocoder on the acoustic model's mel as it is: the tensor ONNX Runtime returned goes in as the
     * vocoder's input, with no Java copy. The caller closes the result.
     */
    OrtSession.Result handOff(OnnxTensor mel) throws OrtException {
        return vocoder.run(Map.of(vocoderInput, mel));
    }

    /** The hand-off with a copy through a Java array, for measuring what {@link #handOff} saves. */
    OrtSession.Result handOffCopying(OnnxTensor mel) throws OrtException {
        FloatBuffer fb = mel.getFloatBuffer();
        float[] copy = new float[fb.remaining()];
        fb.get(copy);
        try (OnnxTensor again = OnnxTensor.createTensor(env, FloatBuffer.wrap(copy), mel.getInfo().getShape())) {
            return vocoder.run(Map.of(vocoderInput, again));
        }
    }

    /**
     * Runs several items as one batch, padded with the pad id to the longest, and cuts each item's audio and
     * durations back to its own length (its frames are the sum of its ids' durations). Only for
     * {@link #batchable} models.
     */
    List<Output> runBatch(List<long[]> items, Controls c) throws OrtException {
        return limiter.run(() -> runBatchNow(items, c));
    }

    private List<Output> runBatchNow(List<long[]> items, Controls c) throws OrtException {
        int batch = items.size();
        int width = items.stream().mapToInt(i -> i.length).max().orElse(0);
        long pad = Math.max(0, blank);
        long[] ids = new long[batch * width];
        long[] lengths = new long[batch];
        java.util.Arrays.fill(ids, pad);
        for (int i = 0; i < batch; i++) {
            System.arraycopy(items.get(i), 0, ids, i * width, items.get(i).length);
            lengths[i] = items.get(i).length;
        }
        try (OrtSession.Result am = acoustic(ids, batch, lengths, c)) {
            OnnxTensor mel = (OnnxTensor) am.get(melOutput).orElseThrow();
            int frames = (int) mel.getInfo().getShape()[2];
            FloatBuffer all = ((OnnxTensor) am.get(durationsOutput).orElseThrow()).getFloatBuffer();
            float[][] durations = new float[batch][];
            int[] itemFrames = new int[batch];
            for (int i = 0; i < batch; i++) {
                durations[i] = new float[(int) lengths[i]];
                double sum = 0;
                for (int j = 0; j < lengths[i]; j++) {
                    durations[i][j] = all.get(i * width + j);
                    sum += Math.max(0, durations[i][j]);
                }
                itemFrames[i] = (int) Math.min(frames, Math.round(sum));
            }
            try (OrtSession.Result audio = handOff(mel)) {
                List<Output> out = new ArrayList<>(batch);
                if (istft == null) {
                    FloatBuffer fb = ((OnnxTensor) audio.get(vocoderOutputs.getFirst()).orElseThrow())
                            .getFloatBuffer();
                    int perItem = fb.remaining() / batch;
                    int hop = frames == 0 ? 0 : perItem / frames;
                    for (int i = 0; i < batch; i++) {
                        float[] samples = new float[itemFrames[i] * hop];
                        fb.get(i * perItem, samples);
                        out.add(new Output(samples, durations[i]));
                    }
                } else {
                    OnnxTensor mag = (OnnxTensor) audio.get(vocoderOutputs.get(0)).orElseThrow();
                    OnnxTensor x = (OnnxTensor) audio.get(vocoderOutputs.get(1)).orElseThrow();
                    OnnxTensor y = (OnnxTensor) audio.get(vocoderOutputs.get(2)).orElseThrow();
                    long[] shape = mag.getInfo().getShape();
                    int stride = (int) shape[2];
                    int bins = (int) shape[1];
                    for (int i = 0; i < batch; i++) {
                        out.add(new Output(istft.compute(mag.getFloatBuffer(), x.getFloatBuffer(), y.getFloatBuffer(),
                                i * bins * stride, stride, itemFrames[i]), durations[i]));
                    }
                }
                return out;
            }
        }
    }

    /** Returns the vocoder's audio: HiFi-GAN's output as it is, Vocos's through the inverse STFT. */
    float[] audio(OrtSession.Result result) {
        if (istft == null) {
            OnnxValue v = result.get(vocoderOutputs.getFirst()).orElseThrow();
            FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
        OnnxTensor mag = (OnnxTensor) result.get(vocoderOutputs.get(0)).orElseThrow();
        OnnxTensor x = (OnnxTensor) result.get(vocoderOutputs.get(1)).orElseThrow();
        OnnxTensor y = (OnnxTensor) result.get(vocoderOutputs.get(2)).orElseThrow();
        long[] shape = mag.getInfo().getShape();
        if (shape.length != 3 || shape[1] != istft.nFft / 2 + 1) {
            throw new IllegalStateException(vocoderFile + ": the vocoder's magnitude has shape "
                    + java.util.Arrays.toString(shape) + " (expected: [1, n_fft/2+1 = " + (istft.nFft / 2 + 1)
                    + ", frames] from its n_fft metadata)");
        }
        return istft.compute(mag.getFloatBuffer(), x.getFloatBuffer(), y.getFloatBuffer(), (int) shape[2]);
    }

    @Override
    public void close() {
        SessionFactory.closeQuietly(acoustic);
        SessionFactory.closeQuietly(vocoder);
    }

    @Override
    public String toString() {
        return name + "@" + version;
    }
}
