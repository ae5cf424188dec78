package dev.chorus.asr.dnsmos.internal;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.chorus.asr.quality.MosPredictor;
import dev.chorus.asr.quality.MosScore;
import dev.chorus.audio.Resampler;
import dev.chorus.onnx.ModelInterface;
import dev.chorus.onnx.ModelLoadException;
import dev.chorus.onnx.RunLimiter;
import dev.chorus.onnx.SessionFactory;
import dev.chorus.onnx.SessionSettings;
import dev.chorus.onnx.TensorSpec;
import dev.chorus.tts.EngineUnavailableException;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * DNSMOS P.835 on a model the user supplies: the audio resampled to 16 kHz and scaled to [-1, 1], cut into 9.01 s
 * segments as DNSMOS cuts it ({@link Segments}), each segment's raw SIG, BAK and OVRL calibrated
 * ({@link Calibration}) and the calibrated scores averaged. One session serves every thread; {@code workers} runs go
 * at once. Thread-safe.
 */
public final class DnsmosPredictor implements MosPredictor {

    static final String SETTING = "quality.mos.model";
    private static final Set<String> KEYS = Set.of("personalized");

    private final SessionFactory sessions;
    private final OrtSession session;
    private final String input;
    private final String output;
    private final Calibration calibration;
    private final RunLimiter runs;
    private final String description;
    private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
    private boolean closed;

    private DnsmosPredictor(SessionFactory sessions, OrtSession session, String input, String output,
                            Calibration calibration, int workers, String description) {
        this.sessions = sessions;
        this.session = session;
        this.input = input;
        this.output = output;
        this.calibration = calibration;
        this.runs = new RunLimiter("dnsmos", workers);
        this.description = description;
    }

    /**
     * Loads {@code model} and checks its interface.
     *
     * @throws EngineUnavailableException naming the file and what does not fit
     * @throws IllegalArgumentException   for an unknown setting or {@code workers < 1}
     */
    public static DnsmosPredictor open(Path model, int workers, Map<String, String> settings) {
        Objects.requireNonNull(model, "model");
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: >= 1)");
        }
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("quality.mos." + key + ": unknown setting (expected: "
                        + "quality.mos.personalized)");
            }
        }
        String personalized = settings.getOrDefault("personalized", "false").strip();
        if (!personalized.equals("true") && !personalized.equals("false")) {
            throw new IllegalArgumentException("quality.mos.personalized: '" + personalized
                    + "' (expected: true or false)");
        }
        Calibration calibration = personalized.equals("true") ? Calibration.PERSONALIZED : Calibration.DNSMOS;
        try {
            return load(model, workers, calibration);
        } catch (ModelLoadException e) {
            throw new EngineUnavailableException("DNSMOS cannot load its model: " + e.getMessage() + " (fix "
                    + SETTING + ")", e);
        }
    }

    static DnsmosPredictor load(Path model, int workers, Calibration calibration) throws ModelLoadException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(model);
        } catch (IOException e) {
            throw new ModelLoadException(model, "cannot read the model (expected: DNSMOS's sig_bak_ovr.onnx): "
                    + e.getMessage(), e);
        }
        SessionFactory sessions = SessionFactory.open("dnsmos", SETTING, SessionSettings.cpu());
        OrtSession session = sessions.create(model, bytes);
        try {
            ModelInterface mi = ModelInterface.of(model, session);
            String expected = "one input FLOAT[1," + Segments.LENGTH + "] (9.01 s of 16 kHz audio) and one output "
                    + "FLOAT[1,3] (SIG, BAK, OVRL), as DNSMOS's sig_bak_ovr.onnx";
            if (mi.inputs().size() != 1 || mi.outputs().size() != 1) {
                throw new ModelLoadException(model, "the model has inputs " + mi.inputs() + " and outputs "
                        + mi.outputs() + " (expected: " + expected + ")");
            }
            String in = mi.inputs().getFirst();
            String out = mi.outputs().getFirst();
            mi.requireInput(in, TensorSpec.of(OnnxJavaType.FLOAT, TensorSpec.ANY, Segments.LENGTH), expected)
                    .requireOutput(out, TensorSpec.of(OnnxJavaType.FLOAT, TensorSpec.ANY, 3));
            return new DnsmosPredictor(sessions, session, in, out, calibration, workers,
                    "dnsmos " + model.getFileName() + (calibration == Calibration.PERSONALIZED ? " (personalized)"
                            : ""));
        } catch (ModelLoadException | RuntimeException e) {
            SessionFactory.closeQuietly(session);
            throw e;
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Optional<MosScore> predict(short[] samples, int offset, int length, int sampleRate) {
        Objects.checkFromIndexSize(offset, length, samples.length);
        if (sampleRate < 1) {
            throw new IllegalArgumentException("sampleRate: " + sampleRate + " (expected: > 0)");
        }
        float[] audio = Segments.extend(toModelRate(samples, offset, length, sampleRate));
        int[] starts = Segments.starts(audio.length);
        if (starts.length == 0) {
            return Optional.empty();
        }
        double sig = 0;
        double bak = 0;
        double ovr = 0;
        open.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the DNSMOS predictor is closed");
            }
            for (int start : starts) {
                float[] raw = runs.run(() -> run(audio, start));
                sig += calibration.signal(raw[0]);
                bak += calibration.background(raw[1]);
                ovr += calibration.overall(raw[2]);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("DNSMOS: the model failed to run: " + e.getMessage(), e);
        } finally {
            open.readLock().unlock();
        }
        int n = starts.length;
        return Optional.of(new MosScore(sig / n, bak / n, ovr / n, n));
    }

    private float[] run(float[] audio, int start) throws OrtException {
        FloatBuffer segment = FloatBuffer.wrap(audio, start, Segments.LENGTH).slice();
        try (OnnxTensor tensor = OnnxTensor.createTensor(sessions.environment(), segment,
                new long[] {1, Segments.LENGTH});
             OrtSession.Result result = session.run(Map.of(input, tensor), Set.of(output))) {
            float[][] scores = (float[][]) result.get(output).orElseThrow().getValue();
            return scores[0];
        }
    }

    /** Resamples to 16 kHz and scales to [-1, 1], as DNSMOS reads a file. */
    private static float[] toModelRate(short[] samples, int offset, int length, int sampleRate) {
        Resampler resampler = Resampler.create(sampleRate, Segments.RATE);
        short[] head = resampler.process(samples, offset, length);
        short[] tail = resampler.flush();
        float[] out = new float[head.length + tail.length];
        for (int i = 0; i < head.length; i++) {
            out[i] = head[i] / 32768f;
        }
        for (int i = 0; i < tail.length; i++) {
            out[head.length + i] = tail[i] / 32768f;
        }
        return out;
    }

    /** Refuses new predictions and closes the session once running ones end (waiting up to 30 s). */
    @Override
    public void close() {
        boolean locked;
        try {
            locked = open.writeLock().tryLock(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            System.getLogger(DnsmosPredictor.class.getName()).log(System.Logger.Level.WARNING,
                    "DNSMOS: a prediction still runs after 30 s; its session stays open");
            return;
        }
        try {
            if (!closed) {
                closed = true;
                SessionFactory.closeQuietly(session);
            }
        } finally {
            open.writeLock().unlock();
        }
    }
}
