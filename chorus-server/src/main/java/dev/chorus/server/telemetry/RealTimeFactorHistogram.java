package dev.chorus.server.telemetry;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The {@code chorus_real_time_factor} histogram: synthesis time divided by audio length, per request, by engine
 * and voice, with buckets from 0.001 to 10.
 *
 * <p>It is a Prometheus histogram of its own rather than a Micrometer distribution summary: Micrometer's
 * fixed-bucket histograms count whole numbers (a recorded 0.05 is rounded up to 1), so every request faster than
 * real time would land in the {@code le="1.0"} bucket. This one counts the value as it is.
 */
final class RealTimeFactorHistogram {

    /** Bucket bounds: fast neural and cached voices near 0.001, slow engines on a busy machine up to 10. */
    static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 5,
        10};

    private final Histogram histogram;

    private RealTimeFactorHistogram(Histogram histogram) {
        this.histogram = histogram;
    }

    /** Registers the histogram with {@code registry}, or returns one that records nothing when it is null. */
    static RealTimeFactorHistogram register(PrometheusRegistry registry) {
        if (registry == null) {
            return new RealTimeFactorHistogram(null);
        }
        return new RealTimeFactorHistogram(Histogram.builder().name("chorus_real_time_factor")
                .help("Synthesis time divided by audio length, per request (below 1: faster than real time)")
                .labelNames("engine", "voice").classicOnly().classicUpperBounds(BUCKETS)
                // Exemplars would need the client's tracer bridge; the spans carry the value already.
                .withoutExemplars().register(registry));
    }

    /** Records one request's real-time factor; a value that is not a finite number is left out. */
    void record(String engine, String voice, double realTimeFactor) {
        if (histogram != null && Double.isFinite(realTimeFactor) && realTimeFactor >= 0) {
            histogram.labelValues(engine, voice).observe(realTimeFactor);
        }
    }
}
