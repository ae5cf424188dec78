package dev.chorus.onnx;

import java.util.Locale;

/** Where ONNX Runtime runs a session's graph. */
public enum ExecutionProvider {
    /** The CPU; always available. */
    CPU,
    /** NVIDIA CUDA, device 0; needs {@code onnxruntime_gpu} and the CUDA libraries it was built for. */
    CUDA;

    /** Returns the lower-case name used in settings, descriptions and logs: {@code cpu} or {@code cuda}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
