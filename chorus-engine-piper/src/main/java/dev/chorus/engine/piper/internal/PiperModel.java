package dev.chorus.engine.piper.internal;

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
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One loaded Piper model (one version of one voice): its ONNX Runtime session, shared by every speaker and thread,
 * its config, and what its runs reuse. Leases and unloading are the voice directory's ({@code ModelVersion}); this
 * class closes its session when the version's last run has ended.
 */
final class PiperModel implements AutoCloseable {

    private static final List<String> INPUTS = List.of("input", "input_lengths", "scales", "sid");
    private static final String INTERFACE = "Piper's interface: input, input_lengths, scales and, for several "
            + "speakers, sid";

    /** A model's audio and, when it reports them, the duration of each id in frames. */
    record Output(float[] audio, float[] durations) {
    }

    final String name;
    final int version;
    final Path file;
    final VoiceConfig config;
    final ExecutionProvider provider;
    final PhonemeEncoder encoder;
    /** The text front end of a sherpa-onnx VITS model that is not a Piper export, else {@code null}. */
    final SherpaFrontend frontend;
    final AtomicLong runs = new AtomicLong();

    private final OrtEnvironment env;
    private final OrtSession session;
    private final boolean hasSid;
    /** The input names of a model run through sherpa-onnx's VITS interface, or {@code null} for Piper's. */
    private final VitsInputs vitsInputs;
    private final String audioOutput;
    private final String durationsOutput;
    private final RunLimiter limiter;
    private final BufferPool buffers;
    private final int maxPooled;
    private final ConcurrentLinkedQueue<short[]> pcmBuffers = new ConcurrentLinkedQueue<>();
    private final Runnable onClose;

    private PiperModel(String name, int version, Path file, VoiceConfig config, SessionFactory sessions,
                       OrtSession session, boolean hasSid, VitsInputs vitsInputs, String audioOutput,
                       String durationsOutput, SherpaFrontend frontend, int maxConcurrentRuns, Runnable onClose) {
        this.name = name;
        this.version = version;
        this.file = file;
        this.config = config;
        this.provider = sessions.provider();
        this.env = sessions.environment();
        this.session = session;
        this.hasSid = hasSid;
        this.vitsInputs = vitsInputs;
        this.frontend = frontend;
        this.audioOutput = audioOutput;
        this.durationsOutput = durationsOutput;
        this.limiter = new RunLimiter(this.toString(), maxConcurrentRuns);
        this.maxPooled = 2 * maxConcurrentRuns;
        this.buffers = new BufferPool(maxPooled);
        this.onClose = onClose;
        this.encoder = new PhonemeEncoder(config, "piper:" + name + "@" + version + " (" + file + ")");
    }

    /**
     * Creates the session, checks it against Piper's interface and the config with test runs, and wraps it. Closes
     * the session if it does not fit.
     *
     * @param onClose run once the session has closed
     * @throws ModelLoadException naming the file and the part that does not fit
     */
    static PiperModel create(String name, int version, Path file, Path json, VoiceConfig config,
                             SessionFactory sessions, byte[] onnxBytes, int maxConcurrentRuns, Runnable onClose)
            throws ModelLoadException {
        return create(name, version, file, json, config, null, sessions, onnxBytes, maxConcurrentRuns, onClose);
    }

    /**
     * As {@link #create(String, int, Path, Path, VoiceConfig, SessionFactory, byte[], int, Runnable)}, for a model
     * whose text front end is {@code frontend} ({@code null}: Piper's phonemes). A model with an input {@code x}
     * or {@code tokens} is run through sherpa-onnx's VITS interface ({@link VitsInputs}), any other through
     * Piper's.
     */
    static PiperModel create(String name, int version, Path file, Path json, VoiceConfig config,
                             SherpaFrontend frontend, SessionFactory sessions, byte[] onnxBytes,
                             int maxConcurrentRuns, Runnable onClose) throws ModelLoadException {
        OrtSession session = sessions.create(file, onnxBytes);
        boolean ok = false;
        try {
            ModelInterface model = ModelInterface.of(file, session);
            VitsInputs vits = VitsInputs.of(model);
            if (vits != null) {
                vits.check(model);
            } else {
                model.onlyInputs(INPUTS, INTERFACE)
                        .requireInput("input", TensorSpec.of(OnnxJavaType.INT64, 1, TensorSpec.ANY), INTERFACE)
                        .requireInput("input_lengths", TensorSpec.of(OnnxJavaType.INT64, 1), INTERFACE)
                        .requireInput("scales", TensorSpec.of(OnnxJavaType.FLOAT, 3), INTERFACE)
                        .optionalInput("sid", TensorSpec.of(OnnxJavaType.INT64, 1));
            }
            boolean melo = vits != null && vits.takesTones();
            if (frontend != null && frontend.takesTones() != melo) {
                throw new ModelLoadException(file, melo ? "the model takes 'tones' (MeloTTS's interface) but its "
                        + "metadata comment is '" + frontend.comment + "' (expected: melo)" : "metadata comment: '"
                        + frontend.comment + "' names a MeloTTS model but the model has no 'tones' input (expected: "
                        + VitsInputs.MELO.description() + ")");
            }
            String sidInput = vits != null ? vits.sid() : "sid";
            boolean hasSid = model.hasInput(sidInput);
            if (config.numSpeakers() > 1 && !hasSid && frontend != null) {
                throw new ModelLoadException(file, "metadata n_speakers: " + config.numSpeakers()
                        + " but the model has no '" + sidInput + "' input (expected: 1 for a single-speaker model)");
            }
            if (config.numSpeakers() > 1 && !hasSid) {
                throw new ModelLoadException(json, "num_speakers: " + config.numSpeakers()
                        + " but the model has no 'sid' input (expected: 1 for a single-speaker model)");
            }
            List<String> outputs = model.outputs();
            String audio = outputs.contains("output") ? "output" : outputs.getFirst();
            if (model.spec(audio).filter(s -> s.type() == OnnxJavaType.FLOAT).isEmpty()) {
                throw new ModelLoadException(file, "model output '" + audio + "' is not a float tensor (expected: "
                        + "audio as FLOAT[1,1,1,?])");
            }
            String durations = outputs.contains("durations") ? "durations"
                    : outputs.stream().filter(o -> !o.equals(audio)).findFirst().orElse(null);
            PiperModel piper = new PiperModel(name, version, file, config, sessions, session, hasSid, vits, audio,
                    durations, frontend, maxConcurrentRuns, onClose);
            piper.check(json);
            ok = true;
            return piper;
        } finally {
            if (!ok) {
                SessionFactory.closeQuietly(session);
            }
        }
    }

    private void check(Path json) throws ModelLoadException {
        long pad = config.phonemeIds().get(VoiceConfig.PAD)[0];
        long bos = config.phonemeIds().get(VoiceConfig.BOS)[0];
        long eos = config.phonemeIds().get(VoiceConfig.EOS)[0];
        long[] basic = {bos, pad, eos};
        Output out;
        try {
            out = runNow(basic, config.lengthScale(), hasSid ? 0 : -1);
        } catch (OrtException e) {
            throw new ModelLoadException(file, "a test run on ids " + java.util.Arrays.toString(basic)
                    + " failed: " + e.getMessage());
        }
        if (out.audio() == null || out.audio().length == 0) {
            throw new ModelLoadException(file, "a test run produced no audio (expected: output FLOAT[1,1,1,?])");
        }
        long max = config.maxId();
        try {
            runNow(new long[] {bos, pad, max, pad, eos}, config.lengthScale(), hasSid ? 0 : -1);
        } catch (OrtException e) {
            if (frontend != null) {
                throw new ModelLoadException(json, "the model rejects id " + max + ", the largest of tokens.txt, so "
                        + "the tokens do not match the model: " + e.getMessage());
            }
            throw new ModelLoadException(json, "phoneme_id_map: the model rejects id " + max + " ('"
                    + config.phonemeOf(max) + "'), so the map does not match the model: " + e.getMessage());
        }
        if (hasSid && config.numSpeakers() > 1) {
            try {
                runNow(basic, config.lengthScale(), config.numSpeakers() - 1);
            } catch (OrtException e) {
                throw new ModelLoadException(json, "num_speakers: " + config.numSpeakers()
                        + " but the model rejects speaker " + (config.numSpeakers() - 1) + ": " + e.getMessage());
            }
        }
    }

    /**
     * Returns a PCM buffer of at least {@code length} samples for one synthesis (large arrays are costly to
     * allocate on every sentence), to be handed back with {@link #recycle}.
     */
    short[] pcmBuffer(int length) {
        short[] b = pcmBuffers.poll();
        return b != null && b.length >= length ? b : new short[Math.max(length, b == null ? 0 : b.length)];
    }

    /** Takes back a buffer from {@link #pcmBuffer}. */
    void recycle(short[] buffer) {
        if (buffer.length > 0 && pcmBuffers.size() < maxPooled) {
            pcmBuffers.offer(buffer);
        }
    }

    /** Returns whether the model reports per-id durations (and so word timings). */
    boolean hasDurations() {
        return durationsOutput != null;
    }

    /** Returns whether the model takes a speaker id. */
    boolean hasSid() {
        return hasSid;
    }

    /** Returns the limiter of simultaneous runs, for tests. */
    RunLimiter limiter() {
        return limiter;
    }

    /**
     * Runs the model once, waiting for a free run slot.
     *
     * @param sid speaker id, or -1 for none
     * @throws dev.chorus.tts.SynthesisCancelledException if the thread is interrupted while waiting
     */
    Output run(long[] ids, float lengthScale, long sid) throws OrtException {
        return run(ids, null, lengthScale, sid);
    }

    /**
     * As {@link #run(long[], float, long)}, with a tone per id for MeloTTS models ({@code null}: tone 0 each).
     */
    Output run(long[] ids, long[] tones, float lengthScale, long sid) throws OrtException {
        return limiter.run(() -> runNow(ids, tones, lengthScale, sid));
    }

    private Output runNow(long[] ids, float lengthScale, long sid) throws OrtException {
        return runNow(ids, null, lengthScale, sid);
    }

    private Output runNow(long[] ids, long[] tones, float lengthScale, long sid) throws OrtException {
        try (BufferPool.Buffers b = buffers.acquire()) {
            List<OnnxTensor> tensors = new ArrayList<>(4);
            try {
                Map<String, OnnxTensor> in = new HashMap<>(8);
                if (vitsInputs != null) {
                    VitsInputs v = vitsInputs;
                    in.put(v.ids(), track(tensors, OnnxTensor.createTensor(env, b.longs("x", ids),
                            new long[] {1, ids.length})));
                    in.put(v.length(), track(tensors, OnnxTensor.createTensor(env, b.longs("x_length", ids.length),
                            new long[] {1})));
                    in.put(v.noiseScale(), track(tensors, OnnxTensor.createTensor(env,
                            b.floats("noise_scale", config.noiseScale()), new long[] {1})));
                    in.put(v.lengthScale(), track(tensors, OnnxTensor.createTensor(env,
                            b.floats("length_scale", lengthScale), new long[] {1})));
                    in.put(v.noiseScaleW(), track(tensors, OnnxTensor.createTensor(env,
                            b.floats("noise_scale_w", config.noiseW()), new long[] {1})));
                    if (v.takesTones()) {
                        in.put(v.tones(), track(tensors, OnnxTensor.createTensor(env,
                                b.longs("tones", tones != null ? tones : new long[ids.length]),
                                new long[] {1, ids.length})));
                    }
                } else {
                    in.put("input", track(tensors, OnnxTensor.createTensor(env, b.longs("input", ids),
                            new long[] {1, ids.length})));
                    in.put("input_lengths", track(tensors, OnnxTensor.createTensor(env,
                            b.longs("input_lengths", ids.length), new long[] {1})));
                    in.put("scales", track(tensors, OnnxTensor.createTensor(env, b.floats("scales", config.noiseScale(),
                            lengthScale, config.noiseW()), new long[] {3})));
                }
                if (frontend != null) {
                    sid = frontend.speakerId(sid); // a single-speaker MeloTTS model names its speaker
                }
                if (hasSid) {
                    in.put(vitsInputs != null ? vitsInputs.sid() : "sid", track(tensors, OnnxTensor.createTensor(env,
                            b.longs("sid", Math.max(0, sid)), new long[] {1})));
                }
                runs.incrementAndGet();
                try (OrtSession.Result result = session.run(in)) {
                    float[] audio = floats(result.get(audioOutput));
                    float[] durations = durationsOutput == null ? null : floats(result.get(durationsOutput));
                    if (durations != null && durations.length != ids.length) {
                        durations = null;
                    }
                    return new Output(audio, durations);
                }
            } finally {
                for (OnnxTensor t : tensors) {
                    t.close();
                }
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
            if (fb.hasArray() && fb.arrayOffset() == 0 && fb.position() == 0
                    && fb.remaining() == fb.array().length) {
                return fb.array();
            }
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
        if (t.getInfo().type == OnnxJavaType.INT32) {
            IntBuffer ib = t.getIntBuffer();
            float[] out = new float[ib.remaining()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ib.get(i);
            }
            return out;
        }
        return null;
    }

    /** Closes the session; the voice directory calls it once the version's last run has ended. */
    @Override
    public void close() {
        SessionFactory.closeQuietly(session);
        onClose.run();
    }

    @Override
    public String toString() {
        return "piper:" + name + "@" + version;
    }
}
