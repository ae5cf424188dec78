package dev.chorus.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts a benchmark's operations and, after each iteration, prints the CPU time the whole JVM spent per operation
 * ({@code cpu-us/op: N}). On a machine shared with other work, ops/s measures this benchmark's share of the cores as
 * much as its cost; CPU per operation does not, so it compares configurations that keep different numbers of
 * threads busy.
 */
final class CpuPerOp {

    private final LongAdder ops = new LongAdder();
    private long cpuAtStart;
    private long opsAtStart;

    /** Counts one operation. */
    void count() {
        ops.increment();
    }

    /** Marks the start of an iteration. */
    void start() {
        cpuAtStart = cpu();
        opsAtStart = ops.sum();
    }

    /** Prints the CPU per operation since {@link #start}. */
    void print() {
        long n = ops.sum() - opsAtStart;
        if (n > 0) {
            System.out.printf("cpu-us/op: %.1f%n", (cpu() - cpuAtStart) / 1e3 / n);
        }
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
