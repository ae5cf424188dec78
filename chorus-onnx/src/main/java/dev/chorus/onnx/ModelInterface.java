package dev.chorus.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A session's inputs and outputs, read once at load, with checks whose failures name the file, the input or output
 * and what was expected: {@code voices/x.onnx: input 'scales' has type FLOAT[2] (expected: FLOAT[3])}.
 */
public final class ModelInterface {

    private final Path file;
    private final Map<String, NodeInfo> inputs;
    private final Map<String, NodeInfo> outputs;

    private ModelInterface(Path file, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        this.file = file;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /**
     * Reads the interface of {@code session}, loaded from {@code file}.
     *
     * @throws ModelLoadException if ONNX Runtime cannot report it
     */
    public static ModelInterface of(Path file, OrtSession session) throws ModelLoadException {
        try {
            return new ModelInterface(file, new LinkedHashMap<>(session.getInputInfo()),
                    new LinkedHashMap<>(session.getOutputInfo()));
        } catch (OrtException e) {
            throw new ModelLoadException(file, "ONNX Runtime cannot read the model's interface: " + e.getMessage(),
                    e);
        }
    }

    /** Returns the model file. */
    public Path file() {
        return file;
    }

    /** Returns the input names in the model's order. */
    public List<String> inputs() {
        return List.copyOf(inputs.keySet());
    }

    /** Returns the output names in the model's order. */
    public List<String> outputs() {
        return List.copyOf(outputs.keySet());
    }

    /** Returns whether the model has an input of that name. */
    public boolean hasInput(String name) {
        return inputs.containsKey(name);
    }

    /** Returns whether the model has an output of that name. */
    public boolean hasOutput(String name) {
        return outputs.containsKey(name);
    }

    /**
     * Checks that every input is one of {@code allowed}.
     *
     * @param expected what the interface is, for the message, e.g. {@code input, input_lengths, scales}
     * @throws ModelLoadException naming the first input that is not allowed
     */
    public ModelInterface onlyInputs(Collection<String> allowed, String expected) throws ModelLoadException {
        Set<String> ok = Set.copyOf(allowed);
        for (String in : inputs.keySet()) {
            if (!ok.contains(in)) {
                throw new ModelLoadException(file, "model input '" + in + "' is not part of the interface "
                        + "(expected: " + expected + ")");
            }
        }
        return this;
    }

    /**
     * Checks that the input exists and fits {@code spec}.
     *
     * @param expected what the interface is, for the message when the input is missing
     * @throws ModelLoadException naming the input, its type and the expected type
     */
    public ModelInterface requireInput(String name, TensorSpec spec, String expected) throws ModelLoadException {
        NodeInfo info = inputs.get(name);
        if (info == null) {
            throw new ModelLoadException(file, "the model has no input '" + name + "' (expected: " + expected
                    + ")");
        }
        return check("input", name, info, spec);
    }

    /** Checks that the input, if the model has it, fits {@code spec}. */
    public ModelInterface optionalInput(String name, TensorSpec spec) throws ModelLoadException {
        NodeInfo info = inputs.get(name);
        return info == null ? this : check("input", name, info, spec);
    }

    /**
     * Checks that the output exists and fits {@code spec}.
     *
     * @throws ModelLoadException naming the output, its type and the expected type
     */
    public ModelInterface requireOutput(String name, TensorSpec spec) throws ModelLoadException {
        NodeInfo info = outputs.get(name);
        if (info == null) {
            throw new ModelLoadException(file, "the model has no output '" + name + "' (expected: " + spec
                    + "; it has " + String.join(", ", outputs.keySet()) + ")");
        }
        return check("output", name, info, spec);
    }

    /** Returns the declared type and shape of an input or output, if it is a tensor. */
    public Optional<TensorSpec> spec(String name) {
        NodeInfo info = inputs.containsKey(name) ? inputs.get(name) : outputs.get(name);
        return info != null && info.getInfo() instanceof TensorInfo t ? Optional.of(TensorSpec.of(t))
                : Optional.empty();
    }

    private ModelInterface check(String kind, String name, NodeInfo info, TensorSpec spec) throws ModelLoadException {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw new ModelLoadException(file, kind + " '" + name + "' is not a tensor (expected: " + spec + ")");
        }
        TensorSpec actual = TensorSpec.of(t);
        if (!spec.accepts(actual)) {
            throw new ModelLoadException(file, kind + " '" + name + "' has type " + actual + " (expected: " + spec
                    + ")");
        }
        return this;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        inputs.forEach((n, i) -> parts.add("in " + n + describe(i)));
        outputs.forEach((n, i) -> parts.add("out " + n + describe(i)));
        return file + " " + parts;
    }

    private static String describe(NodeInfo info) {
        return info.getInfo() instanceof TensorInfo t ? " " + TensorSpec.of(t) : "";
    }
}
