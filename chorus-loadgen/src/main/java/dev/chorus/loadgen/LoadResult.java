package dev.chorus.loadgen;

import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one load run measured. Latencies are in milliseconds; in an open-loop run they count from the moment
 * each request was due to be sent (corrected for coordinated omission), and {@code uncorrected} counts from the
 * moment it actually went out, which hides the time a stalled server kept requests from being sent.
 *
 * @param label      what was loaded
 * @param mode       {@code closed} (fixed concurrency) or {@code open} (fixed arrival rate)
 * @param concurrency clients: in an open-loop run, the most requests in flight
 * @param rate       requests per second offered in an open-loop run (0 in a closed-loop run)
 * @param seconds    the measured time
 * @param ok         requests answered 200 and read to the end
 * @param errors     failed requests by HTTP status, or by exception for requests that got no status
 * @param bytes      body bytes read from the 200 answers
 * @param latency    request latency percentiles, corrected in an open-loop run
 * @param uncorrected request latency from the actual send, open-loop runs only (else {@code null})
 * @param firstAudio time to the first body byte (first audio), same clock as {@code latency}
 * @param refused    how long refusals (503 and 429 answers) took, from the actual send: what an overloaded
 *                   server's door costs a client
 * @param refusedWithRetryAfter how many of those refusals carried a {@code Retry-After} header
 * @param cancelled  requests the client closed on purpose after the first audio (a mixed workload's
 *                   cancellations): answered 200, neither {@code ok} nor an error
 */
public record LoadResult(String label, String mode, int concurrency, double rate, double seconds, long ok,
                         Map<String, Long> errors, long bytes, Percentiles latency, Percentiles uncorrected,
                         Percentiles firstAudio, Percentiles refused, long refusedWithRetryAfter,
                         long cancelled) {

    /** Returns the answered-with-audio requests per second. */
    public double requestsPerSecond() {
        return seconds > 0 ? ok / seconds : 0;
    }

    /** Returns the number of failed requests. */
    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Percentiles of one histogram of microseconds, in milliseconds. */
    public record Percentiles(long count, double p50, double p95, double p99, double p999, double max) {

        /** No values. */
        static final Percentiles NONE = new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN);

        static Percentiles of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Percentiles(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)),
                    ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }

        /** Returns {@code p50=.. p95=.. p99=.. p99.9=..} in milliseconds. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50=%.1f p95=%.1f p99=%.1f p99.9=%.1f max=%.1f ms", p50, p95, p99, p999,
                    max);
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", count);
            m.put("p50_ms", p50);
            m.put("p95_ms", p95);
            m.put("p99_ms", p99);
            m.put("p999_ms", p999);
            m.put("max_ms", max);
            return m;
        }
    }

    /** Returns the result as a JSON-ready map. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", label);
        m.put("mode", mode);
        m.put("concurrency", concurrency);
        m.put("rate", rate);
        m.put("seconds", seconds);
        m.put("requests_ok", ok);
        m.put("requests_per_second", requestsPerSecond());
        m.put("errors", errors);
        m.put("error_count", errorCount());
        m.put("bytes", bytes);
        m.put("latency", latency.json());
        if (uncorrected != null) {
            m.put("latency_uncorrected", uncorrected.json());
        }
        m.put("time_to_first_audio", firstAudio.json());
        m.put("refused", refused.json());
        m.put("refused_with_retry_after", refusedWithRetryAfter);
        m.put("cancelled", cancelled);
        return m;
    }

    /** Returns a few human-readable lines. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s: %s loop, %s, %.1f s: %d ok, %.2f requests/s, errors %s%n", label,
                mode, mode.equals("open") ? String.format(Locale.ROOT, "%.1f requests/s offered by up to %d clients",
                        rate, concurrency)
                        : concurrency + " clients", seconds, ok, requestsPerSecond(), errors.isEmpty() ? "none" : errors));
        b.append("  latency              ").append(latency).append('\n');
        if (uncorrected != null) {
            b.append("  latency (uncorrected) ").append(uncorrected).append('\n');
        }
        b.append("  time to first audio  ").append(firstAudio).append('\n');
        if (cancelled > 0) {
            b.append("  cancelled on purpose ").append(cancelled).append(" (closed after the first audio)\n");
        }
        if (refused.count() > 0) {
            b.append("  refused (503/429)    ").append(refused).append(String.format(Locale.ROOT,
                    ", %d of %d with Retry-After%n", refusedWithRetryAfter, refused.count()));
        }
        return b.toString();
    }
}
