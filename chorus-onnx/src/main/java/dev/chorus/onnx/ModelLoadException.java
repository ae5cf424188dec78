package dev.chorus.onnx;

import java.nio.file.Path;

/**
 * Why a model's files cannot be loaded. The message starts with the file at fault and names the part that does
 * not fit and what was expected: {@code voices/x.onnx: input 'scales' has type FLOAT[2] (expected: FLOAT[3])}.
 */
public final class ModelLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with the message {@code file + ": " + message}. */
    public ModelLoadException(Path file, String message) {
        super(file + ": " + message);
    }

    /** Creates the exception with the message {@code file + ": " + message} and a cause. */
    public ModelLoadException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
