package dev.chorus.cluster.gateway;

import java.time.Duration;

/**
 * How a gateway ejects a worker whose calls keep failing, and how it ramps up traffic to a worker that (re)joins;
 * see {@link WorkerHealth} for the rules.
 *
 * @param failures    failed calls in a row that eject a worker ({@code cluster.outlier.failures}, 5)
 * @param window      the most time between two failures of one streak ({@code cluster.outlier.window}, 30 s)
 * @param ejection    the first ejection's length; each following one doubles ({@code cluster.outlier.ejection}, 5 s)
 * @param maxEjection the longest ejection, and how long a readmitted worker must stay in to start again from
 *                    {@code ejection} ({@code cluster.outlier.max-ejection}, 2 min)
 * @param slowStart   how long a worker that joins or is readmitted takes to reach its full share of traffic
 *                    ({@code cluster.slow-start}, 10 s; 0 turns slow start off)
 */
public record OutlierSettings(int failures, Duration window, Duration ejection, Duration maxEjection,
                              Duration slowStart) {

    /** The defaults above. */
    public static final OutlierSettings DEFAULTS = new OutlierSettings(5, Duration.ofSeconds(30),
            Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofSeconds(10));

    /** Checks the values, naming the setting at fault. */
    public OutlierSettings {
        if (failures < 1) {
            throw new IllegalArgumentException("cluster.outlier.failures: " + failures + " (expected: >= 1)");
        }
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("cluster.outlier.window: " + window + " (expected: > 0)");
        }
        if (ejection == null || ejection.toMillis() < 100) {
            throw new IllegalArgumentException("cluster.outlier.ejection: " + ejection + " (expected: >= 100ms)");
        }
        if (maxEjection == null || maxEjection.compareTo(ejection) < 0) {
            throw new IllegalArgumentException("cluster.outlier.max-ejection: " + maxEjection
                    + " (expected: at least cluster.outlier.ejection, " + ejection + ")");
        }
        if (slowStart == null || slowStart.isNegative()) {
            throw new IllegalArgumentException("cluster.slow-start: " + slowStart + " (expected: >= 0)");
        }
    }
}
