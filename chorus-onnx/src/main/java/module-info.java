/**
 * Shared ONNX Runtime plumbing for engines: {@link dev.chorus.onnx.SessionFactory} (settings, CPU or CUDA with
 * fallback), {@link dev.chorus.onnx.ModelInterface} (interface checks at load), {@link dev.chorus.onnx.BufferPool}
 * (direct, native-order input buffers), {@link dev.chorus.onnx.RunLimiter} (simultaneous runs per model) and
 * {@link dev.chorus.onnx.reload.VoiceDirectory} (versioned hot reload of a voices directory for any model family) and
 * {@link dev.chorus.onnx.batch.Batcher} (concurrent sentences of one model run as batches).
 */
module dev.chorus.onnx {
    requires transitive dev.chorus.api;
    requires transitive com.microsoft.onnxruntime;

    exports dev.chorus.onnx;
    exports dev.chorus.onnx.batch;
    exports dev.chorus.onnx.reload;
    exports dev.chorus.onnx.speech;
}
