package dev.chorus.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtSession;
import dev.chorus.testing.onnx.OnnxWriter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Interface checks name the file, the input or output, its type and what was expected. */
class ModelInterfaceTest {

    private static final Path FILE = Path.of("voices", "x.onnx");
    private final SessionFactory sessions = SessionFactory.open("test", "test.device", SessionSettings.cpu());

    private ModelInterface load(byte[] model) throws Exception {
        try (OrtSession session = sessions.create(FILE, model)) {
            return ModelInterface.of(FILE, session);
        }
    }

    @Test
    void aWrongShapeIsNamedWithTheExpectedOne() throws Exception {
        ModelInterface model = load(ScaleModel.bytes(2, "scales", OnnxWriter.FLOAT, 2L));
        assertThatThrownBy(() -> model.requireInput("scales", TensorSpec.of(OnnxJavaType.FLOAT, 3), "scales"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(Path.of("voices", "x.onnx") + ": input 'scales' has type FLOAT[2] (expected: FLOAT[3])");
    }

    @Test
    void aWrongTypeIsNamed() throws Exception {
        ModelInterface model = load(ScaleModel.bytes(2, "x", OnnxWriter.INT64, 1L, "n"));
        assertThatThrownBy(() -> model.requireInput("x", ScaleModel.VECTOR, "x"))
                .hasMessageEndingWith("input 'x' has type INT64[1,?] (expected: FLOAT[1,?])");
    }

    @Test
    void missingAndUnknownInputsAndOutputsAreNamed() throws Exception {
        ModelInterface model = load(ScaleModel.bytes(2));
        assertThat(model.inputs()).containsExactly("x");
        assertThat(model.outputs()).containsExactly("y");
        assertThatThrownBy(() -> model.requireInput("sid", TensorSpec.of(OnnxJavaType.INT64, 1), "x and sid"))
                .hasMessage(FILE + ": the model has no input 'sid' (expected: x and sid)");
        assertThatThrownBy(() -> model.onlyInputs(List.of("input"), "input"))
                .hasMessage(FILE + ": model input 'x' is not part of the interface (expected: input)");
        assertThatThrownBy(() -> model.requireOutput("mel", ScaleModel.VECTOR))
                .hasMessageContaining("the model has no output 'mel'").hasMessageContaining("it has y");
    }

    @Test
    void symbolicAndMatchingDimensionsPass() throws Exception {
        ModelInterface model = load(ScaleModel.bytes(2));
        model.requireInput("x", TensorSpec.of(OnnxJavaType.FLOAT, 1, 7), "x")
                .requireInput("x", ScaleModel.VECTOR, "x")
                .optionalInput("sid", TensorSpec.of(OnnxJavaType.INT64, 1))
                .requireOutput("y", ScaleModel.VECTOR);
        assertThat(model.spec("x")).hasValue(ScaleModel.VECTOR);
        assertThat(ScaleModel.VECTOR.toString()).isEqualTo("FLOAT[1,?]");
    }

    @Test
    void bytesThatAreNoModelAreNamed() {
        assertThatThrownBy(() -> sessions.create(FILE, new byte[] {8, 1, 2, 3}))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith(FILE + ": not a loadable ONNX model");
    }

    @Test
    void theCpuRunsWhenItIsAskedFor() {
        assertThat(sessions.provider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(sessions.runtimeVersion()).isEqualTo("1.29.0");
    }
}
