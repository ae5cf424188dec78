package dev.chorus.app;

import java.util.Map;

/** Turns {@code chorus serve}'s cluster flags into the settings they stand for. */
final class ClusterFlags {

    private ClusterFlags() {
    }

    /** Adds {@code cluster.role}, {@code cluster.worker-port} and {@code cluster.workers} for the flags given. */
    static void put(Map<String, String> flags, String role, Integer workerPort, String workers) {
        if (role != null) {
            flags.put("cluster.role", role);
        }
        if (workerPort != null) {
            flags.put("cluster.worker-port", workerPort.toString());
        }
        if (workers != null) {
            flags.put("cluster.workers", workers);
        }
    }
}
