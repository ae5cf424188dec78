package dev.chorus.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct, native-order input buffers, reused across runs. ONNX Runtime wraps such buffers without a copy; allocating
 * them per run costs more than the copy saves. One {@link Buffers} serves one run at a time: take it with
 * {@link #acquire()}, fill one buffer per input, create the tensors, run, close the tensors, then close the
 * {@code Buffers} to hand it back. The pool keeps at most {@code maxPooled} idle sets; more are dropped to the GC.
 * Thread-safe.
 */
public final class BufferPool {

    private final int maxPooled;
    private final ConcurrentLinkedQueue<Buffers> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger created = new AtomicInteger();

    /**
     * Creates a pool that keeps up to {@code maxPooled} idle sets (a model's run limit, or twice that).
     *
     * @throws IllegalArgumentException if {@code maxPooled < 1}
     */
    public BufferPool(int maxPooled) {
        if (maxPooled < 1) {
            throw new IllegalArgumentException("maxPooled: " + maxPooled + " (expected: >= 1)");
        }
        this.maxPooled = maxPooled;
    }

    /** Returns an idle set of buffers, or a new one. */
    public Buffers acquire() {
        Buffers b = idle.poll();
        if (b == null) {
            created.incrementAndGet();
            b = new Buffers(this);
        }
        b.inUse = true;
        return b;
    }

    /** Returns how many sets were created since the pool was (a steady number means they are reused). */
    public int created() {
        return created.get();
    }

    /** Returns how many sets are idle in the pool now. */
    public int idle() {
        return idle.size();
    }

    private void giveBack(Buffers b) {
        if (idle.size() < maxPooled) {
            idle.offer(b);
        }
    }

    /**
     * Allocates a direct, native-order buffer of {@code bytes} bytes, for buffers that do not fit the pool (such as
     * pinned outputs).
     */
    public static ByteBuffer direct(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    /**
     * One run's input buffers, by input name. Each buffer grows (doubling) when a run needs more and is otherwise
     * reused; the one returned holds exactly the values given, from position 0. A buffer stays valid until this
     * set is closed; tensors wrapping it must be closed first. Not thread-safe: one run at a time.
     */
    public static final class Buffers implements AutoCloseable {
        private final BufferPool pool;
        private final Map<String, ByteBuffer> bytes = new HashMap<>();
        private boolean inUse;

        private Buffers(BufferPool pool) {
            this.pool = pool;
        }

        private ByteBuffer bytes(String input, int count, int size) {
            if (!inUse) {
                throw new IllegalStateException("buffers used after close()");
            }
            int needed = count * size;
            ByteBuffer b = bytes.get(input);
            if (b == null || b.capacity() < needed) {
                b = direct(Math.max(needed, b == null ? 64 : b.capacity() * 2));
                bytes.put(input, b);
            }
            b.clear().limit(needed);
            return b;
        }

        /** Returns the buffer of {@code input} holding {@code values}. */
        public LongBuffer longs(String input, long... values) {
            LongBuffer b = bytes(input, values.length, Long.BYTES).asLongBuffer();
            b.put(values).flip();
            return b;
        }

        /** Returns the buffer of {@code input} holding {@code values}. */
        public FloatBuffer floats(String input, float... values) {
            FloatBuffer b = bytes(input, values.length, Float.BYTES).asFloatBuffer();
            b.put(values).flip();
            return b;
        }

        /** Returns the buffer of {@code input} holding {@code values}. */
        public IntBuffer ints(String input, int... values) {
            IntBuffer b = bytes(input, values.length, Integer.BYTES).asIntBuffer();
            b.put(values).flip();
            return b;
        }

        /** Hands the set back to its pool. */
        @Override
        public void close() {
            if (inUse) {
                inUse = false;
                pool.giveBack(this);
            }
        }
    }
}
