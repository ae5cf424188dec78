package dev.chorus.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;

import java.util.Arrays;
import java.util.Objects;

/**
 * The element type and shape a model's input or output must have. A dimension of {@value #ANY} matches any size;
 * so does a symbolic dimension in the model ({@code batch}, {@code phonemes}). Written as {@code FLOAT[1,?,80]}.
 *
 * @param type the element type
 * @param dims the dimensions; their count is the rank
 */
public record TensorSpec(OnnxJavaType type, long[] dims) {

    /** A dimension of any size. */
    public static final long ANY = -1;

    public TensorSpec {
        Objects.requireNonNull(type, "type");
        dims = dims.clone();
    }

    /** Returns a spec of {@code type} with the given dimensions ({@link #ANY} for any size). */
    public static TensorSpec of(OnnxJavaType type, long... dims) {
        return new TensorSpec(type, dims);
    }

    /** Returns the dimensions. */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** Returns the spec of what a model declares. */
    static TensorSpec of(TensorInfo info) {
        return new TensorSpec(info.type, info.getShape());
    }

    /** Returns whether {@code actual} (what a model declares) fits this spec. */
    boolean accepts(TensorSpec actual) {
        if (actual.type != type || actual.dims.length != dims.length) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] >= 0 && actual.dims[i] >= 0 && dims[i] != actual.dims[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && t.type == type && Arrays.equals(t.dims, dims);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(type.name()).append('[');
        for (int i = 0; i < dims.length; i++) {
            b.append(i == 0 ? "" : ",").append(dims[i] < 0 ? "?" : Long.toString(dims[i]));
        }
        return b.append(']').toString();
    }
}
