package dev.chorus.onnx;

import java.util.Objects;

/**
 * How sessions are created: threads, graph optimization and the execution provider asked for.
 *
 * @param intraOpThreads threads ONNX Runtime uses inside one run, >= 1
 * @param interOpThreads threads for independent graph nodes, >= 1; above 1 switches to parallel execution
 * @param optimization   graph optimization level
 * @param device         the provider asked for; {@link ExecutionProvider#CUDA} falls back to the CPU
 */
public record SessionSettings(int intraOpThreads, int interOpThreads, Optimization optimization,
                              ExecutionProvider device) {

    /** ONNX Runtime's graph optimization levels. */
    public enum Optimization { NONE, BASIC, EXTENDED, ALL }

    public SessionSettings {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads: " + intraOpThreads + " (expected: >= 1)");
        }
        if (interOpThreads < 1) {
            throw new IllegalArgumentException("interOpThreads: " + interOpThreads + " (expected: >= 1)");
        }
        Objects.requireNonNull(optimization, "optimization");
        Objects.requireNonNull(device, "device");
    }

    /** Returns settings for the CPU with one thread of each kind and every optimization. */
    public static SessionSettings cpu() {
        return new SessionSettings(1, 1, Optimization.ALL, ExecutionProvider.CPU);
    }
}
