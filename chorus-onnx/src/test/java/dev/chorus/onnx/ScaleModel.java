package dev.chorus.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.chorus.testing.onnx.OnnxWriter;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A trivial generated model family for the tests: {@code y = x * factor} on FLOAT[1,n], the factor baked into the
 * graph, run the way an engine runs its models (interface checked at load, pooled direct input buffers, bounded
 * runs).
 */
public final class ScaleModel implements AutoCloseable {

    /** The interface every scale model must have. */
    public static final TensorSpec VECTOR = TensorSpec.of(OnnxJavaType.FLOAT, 1, TensorSpec.ANY);

    private final SessionFactory sessions;
    private final OrtSession session;
    private final BufferPool buffers;
    private final RunLimiter limiter;
    private final AtomicInteger closed;

    private ScaleModel(SessionFactory sessions, OrtSession session, int maxRuns, AtomicInteger closed) {
        this.sessions = sessions;
        this.session = session;
        this.buffers = new BufferPool(maxRuns);
        this.limiter = new RunLimiter("scale", maxRuns);
        this.closed = closed;
    }

    /** Returns the model's bytes: {@code y = x * factor}, input and output named {@code x} and {@code y}. */
    public static byte[] bytes(float factor) {
        return bytes(factor, "x", OnnxWriter.FLOAT, 1L, "n");
    }

    /** Returns a model with a differently declared input, for interface checks. */
    public static byte[] bytes(float factor, String input, int type, Object... dims) {
        OnnxWriter g = new OnnxWriter()
                .input(input, type, dims)
                .output("y", OnnxWriter.FLOAT, 1L, "n")
                .constant("factor", new float[] {factor});
        if (type == OnnxWriter.FLOAT) {
            g.node("Mul", new String[] {input, "factor"}, "y");
        } else {
            g.node("Cast", new String[] {input}, "xf", "to", OnnxWriter.FLOAT)
                    .node("Mul", new String[] {"xf", "factor"}, "y");
        }
        return g.model("scale", "chorus-onnx-test", 8, 17);
    }

    /**
     * Loads and checks a scale model.
     *
     * @param closed counts closed models
     * @throws ModelLoadException naming the file and what does not fit
     */
    public static ScaleModel load(SessionFactory sessions, Path file, byte[] bytes, int maxRuns,
                                  AtomicInteger closed) throws ModelLoadException {
        OrtSession session = sessions.create(file, bytes);
        try {
            ModelInterface.of(file, session).onlyInputs(java.util.List.of("x"), "x FLOAT[1,?]")
                    .requireInput("x", VECTOR, "x FLOAT[1,?]").requireOutput("y", VECTOR);
        } catch (ModelLoadException e) {
            SessionFactory.closeQuietly(session);
            throw e;
        }
        return new ScaleModel(sessions, session, maxRuns, closed);
    }

    /** Runs the model on {@code x}, waiting for a run slot. */
    public float[] run(float... x) throws OrtException {
        return limiter.run(() -> {
            try (BufferPool.Buffers b = buffers.acquire();
                 OnnxTensor in = OnnxTensor.createTensor(sessions.environment(), b.floats("x", x),
                         new long[] {1, x.length});
                 OrtSession.Result r = session.run(Map.of("x", in))) {
                FloatBuffer y = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[y.remaining()];
                y.get(out);
                return out;
            }
        });
    }

    /** Returns the buffer pool, for tests. */
    public BufferPool buffers() {
        return buffers;
    }

    /** Returns the run limiter, for tests. */
    public RunLimiter limiter() {
        return limiter;
    }

    @Override
    public void close() {
        SessionFactory.closeQuietly(session);
        closed.incrementAndGet();
    }
}
