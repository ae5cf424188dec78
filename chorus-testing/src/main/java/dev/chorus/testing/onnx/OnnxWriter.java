package dev.chorus.testing.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes ONNX models (protobuf wire format, field numbers from {@code onnx.proto}) for small graphs built in code,
 * so that test models of any family (Piper, acoustic model + vocoder, Kokoro) are generated, tiny and exact, with
 * no Python. Only what such graphs need: inputs and outputs with fixed or symbolic dimensions, float and int64
 * constants, nodes of the default domain with integer attributes. Output is deterministic: the same graph always
 * gives the same bytes. Not thread-safe.
 *
 * <pre>{@code
 * byte[] model = new OnnxWriter()
 *         .input("x", OnnxWriter.FLOAT, 1L, "n")
 *         .output("y", OnnxWriter.FLOAT, 1L, "n")
 *         .constant("two", new float[] {2})
 *         .node("Mul", new String[] {"x", "two"}, "y")
 *         .model("double", "chorus-test", 8, 17);
 * }</pre>
 */
public final class OnnxWriter {

    /** ONNX element type {@code FLOAT}. */
    public static final int FLOAT = 1;
    /** ONNX element type {@code INT32}. */
    public static final int INT32 = 6;
    /** ONNX element type {@code INT64}. */
    public static final int INT64 = 7;

    private static final int ATTRIBUTE_INT = 2;

    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private final List<byte[]> metadata = new ArrayList<>();
    private int nodeCount;

    /** Creates an empty graph. */
    public OnnxWriter() {
    }

    /** Adds a graph input; a dimension is a {@link Long} size or a {@link String} symbolic name. */
    public OnnxWriter input(String name, int elementType, Object... dims) {
        inputs.add(valueInfo(name, elementType, dims));
        return this;
    }

    /** Adds a graph output; a dimension is a {@link Long} size or a {@link String} symbolic name. */
    public OnnxWriter output(String name, int elementType, Object... dims) {
        outputs.add(valueInfo(name, elementType, dims));
        return this;
    }

    /** Adds a {@code metadata_props} entry, as sherpa-onnx writes them ({@code model_type}, {@code sample_rate}). */
    public OnnxWriter metadata(String key, String value) {
        metadata.add(new Proto().string(1, key).string(2, value).bytes());
        return this;
    }

    /** Adds a float constant with the given shape ({@code dims} empty for a scalar). */
    public OnnxWriter constant(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        initializers.add(tensor(name, FLOAT, dims, raw.array()));
        return this;
    }

    /** Adds an int64 constant with the given shape ({@code dims} empty for a scalar). */
    public OnnxWriter constant(String name, long[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        initializers.add(tensor(name, INT64, dims, raw.array()));
        return this;
    }

    /** Adds a node of the default domain with no attributes. */
    public OnnxWriter node(String opType, String[] in, String... out) {
        return node(opType, in, out, new String[0], new long[0]);
    }

    /** Adds a node with one integer attribute. */
    public OnnxWriter node(String opType, String[] in, String out, String attribute, long value) {
        return node(opType, in, new String[] {out}, new String[] {attribute}, new long[] {value});
    }

    private OnnxWriter node(String opType, String[] in, String[] out, String[] attributeNames, long[] values) {
        Proto node = new Proto();
        for (String i : in) {
            node.string(1, i);
        }
        for (String o : out) {
            node.string(2, o);
        }
        node.string(3, opType.toLowerCase(java.util.Locale.ROOT) + "_" + nodeCount++);
        node.string(4, opType);
        for (int a = 0; a < attributeNames.length; a++) {
            node.message(5, new Proto().string(1, attributeNames[a]).varint(3, values[a])
                    .varint(20, ATTRIBUTE_INT).bytes());
        }
        nodes.add(node.bytes());
        return this;
    }

    /** Returns the serialized {@code ModelProto}. */
    public byte[] model(String graphName, String producer, long irVersion, long opset) {
        Proto graph = new Proto();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, graphName);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(v -> graph.message(11, v));
        outputs.forEach(v -> graph.message(12, v));
        Proto model = new Proto()
                .varint(1, irVersion)
                .string(2, producer)
                .message(7, graph.bytes())
                .message(8, new Proto().string(1, "").varint(2, opset).bytes());
        metadata.forEach(m -> model.message(14, m));
        return model.bytes();
    }

    private static byte[] tensor(String name, int elementType, long[] dims, byte[] raw) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, elementType).string(8, name).message(9, raw).bytes();
    }

    private static byte[] valueInfo(String name, int elementType, Object... dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            Proto dim = new Proto();
            if (d instanceof String symbol) {
                dim.string(2, symbol);
            } else {
                dim.varint(1, ((Number) d).longValue());
            }
            shape.message(1, dim.bytes());
        }
        byte[] tensorType = new Proto().varint(1, elementType).message(2, shape.bytes()).bytes();
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType).bytes()).bytes();
    }

    /** A protobuf message under construction. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Proto string(int field, String value) {
            return message(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, byte[] value) {
            raw(((long) field << 3) | 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void raw(long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
