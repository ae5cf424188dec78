package dev.chorus.cluster.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Reads GPU utilization and memory with {@code nvidia-smi} when the program is on the PATH; a machine without it
 * simply reports no GPU. Summed over the GPUs it lists (utilization averaged). Slow (tens of milliseconds), so the
 * sampler calls it on its own schedule, not per report.
 */
final class GpuProbe {

    /** One reading: utilization 0..1, memory used and total in bytes. */
    record Reading(double util, long usedBytes, long totalBytes) {
    }

    private final String program;

    private GpuProbe(String program) {
        this.program = program;
    }

    /** Returns a probe over the first {@code nvidia-smi} on the PATH, or null when there is none. */
    static GpuProbe find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "nvidia-smi");
            if (Files.isExecutable(p)) {
                return new GpuProbe(p.toString());
            }
        }
        return null;
    }

    /** Returns the current reading, or null when the program failed (no driver, no GPU visible). */
    Reading read() {
        try {
            Process p = new ProcessBuilder(program, "--query-gpu=utilization.gpu,memory.used,memory.total",
                    "--format=csv,noheader,nounits").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            return parse(out);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Parses {@code nvidia-smi}'s CSV lines: utilization in percent, memory in MiB. */
    static Reading parse(String csv) {
        double util = 0;
        long used = 0;
        long total = 0;
        int gpus = 0;
        for (String line : csv.strip().split("\\R")) {
            String[] f = line.split(",");
            if (f.length != 3) {
                continue;
            }
            try {
                util += Double.parseDouble(f[0].strip()) / 100.0;
                used += Long.parseLong(f[1].strip()) << 20;
                total += Long.parseLong(f[2].strip()) << 20;
                gpus++;
            } catch (NumberFormatException notANumber) {
                // "[N/A]" on some boards: skip the line.
            }
        }
        return gpus == 0 ? null : new Reading(util / gpus, used, total);
    }
}
