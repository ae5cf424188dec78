package dev.chorus.engine.piper.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.chorus.tts.SynthesisCancelledException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One version of one voice: its ONNX Runtime session, shared by every speaker and every thread, with a count of
 * the leases that keep it loaded.
 *
 * <p>The registry holds one lease while the version is current; each {@link dev.chorus.tts.spi.Voice#retain()}
 * adds one. When the count reaches zero (or the engine closes) the version unloads: new syntheses are refused and
 * the session closes once the running ones have finished.
 */
final class LoadedModel {

    private static final System.Logger LOG = System.getLogger(LoadedModel.class.getName());
    private static final Set<String> INPUTS = Set.of("input", "input_lengths", "scales", "sid");

    /** A model's audio and, when it reports them, the duration of each id in frames. */
    record Output(float[] audio, float[] durations) {
    }

    /** Why a voice's files cannot be loaded; the message names the file and the field or part at fault. */
    static final class LoadException extends Exception {
        private static final long serialVersionUID = 1L;

        LoadException(Path file, String message) {
            super(file + ": " + message);
        }
    }

    final String name;
    final int version;
    final Path file;
    final VoiceConfig config;
    final String provider;
    final PhonemeEncoder encoder;
    final AtomicLong runs = new AtomicLong();

    private final OrtEnvironment env;
    private final OrtSession session;
    private final boolean hasSid;
    private final String audioOutput;
    private final String durationsOutput;
    private final Semaphore permits;
    private final int maxPooled;
    private final ConcurrentLinkedQueue<RunBuffers> buffers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<short[]> pcmBuffers = new ConcurrentLinkedQueue<>();
    private final Consumer<LoadedModel> onClose;

    private int leases = 1;
    private int running;
    private boolean unloading;
    private boolean closed;

    private LoadedModel(String name, int version, Path file, VoiceConfig config, String provider, OrtEnvironment env,
                        OrtSession session, boolean hasSid, String audioOutput, String durationsOutput,
                        int maxConcurrentRuns, Consumer<LoadedModel> onClose) {
        this.name = name;
        this.version = version;
        this.file = file;
        this.config = config;
        this.provider = provider;
        this.env = env;
        this.session = session;
        this.hasSid = hasSid;
        this.audioOutput = audioOutput;
        this.durationsOutput = durationsOutput;
        this.permits = new Semaphore(maxConcurrentRuns);
        this.maxPooled = 2 * maxConcurrentRuns;
        this.onClose = onClose;
        this.encoder = new PhonemeEncoder(config, "piper:" + name + "@" + version + " (" + file + ")");
    }

    /**
     * Checks a created session against Piper's interface and the config, with test runs, and wraps it. Closes the
     * session if it does not fit.
     *
     * @param onClose run once the session has closed
     * @throws LoadException naming the file and the part that does not fit
     */
    static LoadedModel create(String name, int version, Path file, Path json, VoiceConfig config, String provider,
                              OrtEnvironment env, OrtSession session, int maxConcurrentRuns,
                              Consumer<LoadedModel> onClose) throws LoadException {
        boolean ok = false;
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            for (String in : inputs.keySet()) {
                if (!INPUTS.contains(in)) {
                    throw new LoadException(file, "model input '" + in + "' is not part of Piper's interface "
                            + "(expected: input, input_lengths, scales and, for several speakers, sid)");
                }
            }
            for (String in : List.of("input", "input_lengths", "scales")) {
                if (!inputs.containsKey(in)) {
                    throw new LoadException(file, "the model has no input '" + in + "' (expected Piper's "
                            + "interface: input, input_lengths, scales and, for several speakers, sid)");
                }
            }
            boolean hasSid = inputs.containsKey("sid");
            if (config.numSpeakers() > 1 && !hasSid) {
                throw new LoadException(json, "num_speakers: " + config.numSpeakers()
                        + " but the model has no 'sid' input (expected: 1 for a single-speaker model)");
            }
            List<String> outputs = new ArrayList<>(session.getOutputNames());
            String audio = outputs.contains("output") ? "output" : outputs.getFirst();
            if (!(session.getOutputInfo().get(audio).getInfo() instanceof TensorInfo ti)
                    || ti.type != OnnxJavaType.FLOAT) {
                throw new LoadException(file, "model output '" + audio + "' is not a float tensor (expected: "
                        + "audio as float [1, 1, 1, T])");
            }
            String durations = outputs.contains("durations") ? "durations"
                    : outputs.stream().filter(o -> !o.equals(audio)).findFirst().orElse(null);
            LoadedModel model = new LoadedModel(name, version, file, config, provider, env, session, hasSid, audio,
                    durations, maxConcurrentRuns, onClose);
            model.check(json);
            ok = true;
            return model;
        } catch (OrtException e) {
            throw new LoadException(file, "ONNX Runtime cannot read the model's interface: " + e.getMessage());
        } finally {
            if (!ok) {
                closeQuietly(session);
            }
        }
    }

    private void check(Path json) throws LoadException {
        long pad = config.phonemeIds().get(VoiceConfig.PAD)[0];
        long bos = config.phonemeIds().get(VoiceConfig.BOS)[0];
        long eos = config.phonemeIds().get(VoiceConfig.EOS)[0];
        long[] basic = {bos, pad, eos};
        Output out;
        try {
            out = runNow(basic, config.lengthScale(), hasSid ? 0 : -1);
        } catch (OrtException e) {
            throw new LoadException(file, "a test run on ids " + java.util.Arrays.toString(basic)
                    + " failed: " + e.getMessage());
        }
        if (out.audio().length == 0) {
            throw new LoadException(file, "a test run produced no audio (expected: output float [1, 1, 1, T])");
        }
        long max = config.maxId();
        try {
            runNow(new long[] {bos, pad, max, pad, eos}, config.lengthScale(), hasSid ? 0 : -1);
        } catch (OrtException e) {
            throw new LoadException(json, "phoneme_id_map: the model rejects id " + max + " ('"
                    + config.phonemeOf(max) + "'), so the map does not match the model: " + e.getMessage());
        }
        if (hasSid && config.numSpeakers() > 1) {
            try {
                runNow(basic, config.lengthScale(), config.numSpeakers() - 1);
            } catch (OrtException e) {
                throw new LoadException(json, "num_speakers: " + config.numSpeakers()
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

    /**
     * Runs the model once, waiting for a free run slot.
     *
     * @param sid speaker id, or -1 for none
     * @throws SynthesisCancelledException if the thread is interrupted while waiting
     */
    Output run(long[] ids, float lengthScale, long sid) throws OrtException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SynthesisCancelledException("interrupted while waiting to run " + "piper:" + name);
        }
        try {
            return runNow(ids, lengthScale, sid);
        } finally {
            permits.release();
        }
    }

    private Output runNow(long[] ids, float lengthScale, long sid) throws OrtException {
        RunBuffers b = buffers.poll();
        if (b == null) {
            b = new RunBuffers();
        }
        List<OnnxTensor> tensors = new ArrayList<>(4);
        try {
            Map<String, OnnxTensor> in = new HashMap<>(8);
            in.put("input", track(tensors, OnnxTensor.createTensor(env, b.ids(ids), new long[] {1, ids.length})));
            in.put("input_lengths", track(tensors, OnnxTensor.createTensor(env, b.lengths(ids.length),
                    new long[] {1})));
            in.put("scales", track(tensors, OnnxTensor.createTensor(env, b.scales(config.noiseScale(), lengthScale,
                    config.noiseW()), new long[] {3})));
            if (hasSid) {
                in.put("sid", track(tensors, OnnxTensor.createTensor(env, b.sid(Math.max(0, sid)),
                        new long[] {1})));
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
            buffers.offer(b);
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
            java.nio.IntBuffer ib = t.getIntBuffer();
            float[] out = new float[ib.remaining()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ib.get(i);
            }
            return out;
        }
        return null;
    }

    /** Adds a lease unless the version has unloaded. */
    synchronized boolean retain() {
        if (unloading) {
            return false;
        }
        leases++;
        return true;
    }

    /** Ends a lease; the last one unloads the version. */
    void release() {
        boolean close;
        synchronized (this) {
            if (leases == 0) {
                throw new IllegalStateException("piper:" + name + "@" + version + ": release() without retain()");
            }
            leases--;
            if (leases == 0) {
                unloading = true;
            }
            close = readyToClose();
        }
        if (close) {
            closeSession();
        }
    }

    /**
     * Marks the start of one synthesis.
     *
     * @throws IllegalStateException if the version has unloaded
     */
    synchronized void begin(String voiceId) {
        if (unloading) {
            throw new IllegalStateException("voice " + voiceId + " (version " + version + ") was unloaded: it was "
                    + "replaced, removed, or its engine closed; load it again");
        }
        running++;
    }

    /** Marks the end of a synthesis begun with {@link #begin}. */
    void end() {
        boolean close;
        synchronized (this) {
            running--;
            close = readyToClose();
        }
        if (close) {
            closeSession();
        }
    }

    /** Unloads now whatever the leases (engine closing); the session closes after the running syntheses. */
    void unload() {
        boolean close;
        synchronized (this) {
            unloading = true;
            close = readyToClose();
        }
        if (close) {
            closeSession();
        }
    }

    /** Returns whether the version still serves syntheses. */
    synchronized boolean isLive() {
        return !unloading;
    }

    /** Returns whether the session has closed. */
    synchronized boolean isClosed() {
        return closed;
    }

    private boolean readyToClose() {
        if (unloading && running == 0 && !closed) {
            closed = true;
            return true;
        }
        return false;
    }

    private void closeSession() {
        closeQuietly(session);
        onClose.accept(this);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing an ONNX Runtime session failed", e);
        }
    }

    @Override
    public String toString() {
        return "piper:" + name + "@" + version;
    }

    /** Direct, native-order input buffers for one run at a time, reused across runs. */
    private static final class RunBuffers {
        private LongBuffer ids = longs(256);
        private final LongBuffer lengths = longs(1);
        private final LongBuffer sid = longs(1);
        private final FloatBuffer scales = ByteBuffer.allocateDirect(3 * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();

        LongBuffer ids(long[] values) {
            if (ids.capacity() < values.length) {
                ids = longs(Math.max(values.length, ids.capacity() * 2));
            }
            ids.clear();
            ids.put(values).flip();
            return ids;
        }

        LongBuffer lengths(long n) {
            lengths.clear();
            lengths.put(n).flip();
            return lengths;
        }

        LongBuffer sid(long s) {
            sid.clear();
            sid.put(s).flip();
            return sid;
        }

        FloatBuffer scales(float noise, float length, float noiseW) {
            scales.clear();
            scales.put(noise).put(length).put(noiseW).flip();
            return scales;
        }

        private static LongBuffer longs(int n) {
            return ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        }
    }
}
