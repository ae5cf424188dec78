package dev.chorus.loadgen;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Drives an HTTP server with real requests, at a fixed concurrency (closed loop: each client sends its next
 * request when the last one is read to the end) or at a fixed arrival rate (open loop: request {@code i} is due
 * at {@code start + i / rate} whether or not earlier ones are answered).
 *
 * <p>Design: each client is a virtual thread with the JDK's HTTP/1.1 client that reads every body to the end.
 * In an open loop the clients (at most {@code concurrency} requests in flight, like connections) share one
 * schedule; when all are busy, a due request goes out late, and its latency still counts from when it was due,
 * so a server that stalls is charged for the requests it kept waiting (coordinated omission). The uncorrected
 * figure, from the actual send, is kept beside it. Histograms are HdrHistogram in microseconds (3 significant digits). A warm-up of the same
 * kind runs first and is not counted.
 */
public final class LoadGenerator {

    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

    /**
     * How to load: {@code rate > 0} means an open loop at that many requests per second with at most
     * {@code concurrency} in flight, otherwise a closed loop with {@code concurrency} clients.
     */
    public record Settings(String label, int concurrency, double rate, Duration duration, Duration warmup,
                           boolean progressBar) {
        public Settings {
            Objects.requireNonNull(label, "label");
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
            }
            if (duration == null || !duration.isPositive()) {
                throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
            }
            warmup = warmup == null ? Duration.ZERO : warmup;
        }

        /** Returns these settings with another label. */
        public Settings withLabel(String l) {
            return new Settings(l, concurrency, rate, duration, warmup, progressBar);
        }
    }

    private final HttpClient http;

    /** Creates a generator that sends with {@code http}. */
    public LoadGenerator(HttpClient http) {
        this.http = Objects.requireNonNull(http, "http");
    }

    /** Returns an HTTP/1.1 client, as most speech clients use. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * One request to send; a {@code cancel} one is closed by the client once its first audio has arrived, as a
     * listener who skips ahead does.
     */
    public record Call(HttpRequest request, boolean cancel) {
        public Call {
            Objects.requireNonNull(request, "request");
        }
    }

    /** Runs the warm-up, then the measured load; {@code requests} makes request number {@code i}. */
    public LoadResult run(Settings s, LongFunction<HttpRequest> requests) {
        return runCalls(s, i -> new Call(requests.apply(i), false));
    }

    /** Runs the warm-up, then the measured load of calls, some of them cancelled by the client on purpose. */
    public LoadResult runCalls(Settings s, LongFunction<Call> requests) {
        AtomicLong counter = new AtomicLong();
        LongFunction<Call> numbered = i -> requests.apply(counter.getAndIncrement());
        if (s.warmup().isPositive()) {
            measure(s, s.warmup(), numbered, false);
        }
        return measure(s, s.duration(), numbered, s.progressBar());
    }

    private LoadResult measure(Settings s, Duration duration, LongFunction<Call> requests, boolean bar) {
        Recorder rec = new Recorder();
        long t0 = System.nanoTime();
        long end = t0 + duration.toNanos();
        ProgressBar progress = bar ? new ProgressBarBuilder().setTaskName(s.label()).setInitialMax(duration.toMillis())
                .setUnit(" s", 1000).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                .continuousUpdate().build() : null;
        Thread ticker = progress == null ? null : Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long now = System.nanoTime();
                progress.stepTo(Math.min(duration.toMillis(), (now - t0) / 1_000_000));
                progress.setExtraMessage(rec.ok.sum() + " ok, " + rec.failed.sum() + " failed");
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            if (s.rate() > 0) {
                // wrk2's model: the clients share one schedule; a client still busy sends its next request late,
                // and that request's latency still counts from when it was due.
                long interval = (long) (1e9 / s.rate());
                AtomicLong next = new AtomicLong();
                for (int c = 0; c < s.concurrency(); c++) {
                    clients.submit(() -> {
                        for (long i = next.getAndIncrement(); t0 + i * interval < end; i = next.getAndIncrement()) {
                            long due = t0 + i * interval;
                            for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
                                LockSupport.parkNanos(due - now);
                            }
                            send(requests.apply(i), due, rec);
                        }
                    });
                }
            } else {
                for (int c = 0; c < s.concurrency(); c++) {
                    clients.submit(() -> {
                        while (System.nanoTime() < end) {
                            send(requests.apply(0), System.nanoTime(), rec);
                        }
                    });
                }
            }
        } finally {
            if (ticker != null) {
                ticker.interrupt();
                progress.stepTo(duration.toMillis());
                progress.close();
            }
        }
        // Requests still answering past the end count, and so does the time they took.
        double seconds = Math.max(duration.toNanos(), System.nanoTime() - t0) / 1e9;
        boolean open = s.rate() > 0;
        return new LoadResult(s.label(), open ? "open" : "closed", s.concurrency(), open ? s.rate() : 0,
                seconds, rec.ok.sum(), rec.errors(), rec.bytes.sum(), LoadResult.Percentiles.of(rec.latency),
                open ? LoadResult.Percentiles.of(rec.uncorrected) : null, LoadResult.Percentiles.of(rec.firstAudio),
                LoadResult.Percentiles.of(rec.refused), rec.retryAfter.sum(), rec.cancelled.sum());
    }

    /** Sends one call due at {@code due} (nanoTime), reads its body (or its first audio), records the outcome. */
    private void send(Call call, long due, Recorder rec) {
        long sent = System.nanoTime();
        try {
            HttpResponse<InputStream> r = http.send(call.request(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                    if (r.statusCode() == 503 || r.statusCode() == 429) {
                        rec.refused.recordValue(micros(System.nanoTime() - sent));
                        if (r.headers().firstValue("retry-after").isPresent()) {
                            rec.retryAfter.increment();
                        }
                    }
                    rec.fail(Integer.toString(r.statusCode()));
                    return;
                }
                byte[] buf = new byte[16 * 1024];
                int n = in.read(buf);
                long first = System.nanoTime();
                if (call.cancel() && n >= 0) {
                    rec.firstAudio.recordValue(micros(first - due));
                    rec.cancelled.increment();
                    return; // closing the body stream (try-with-resources) cancels the exchange
                }
                long total = Math.max(n, 0);
                while (n >= 0) {
                    n = in.read(buf);
                    total += Math.max(n, 0);
                }
                long done = System.nanoTime();
                rec.latency.recordValue(micros(done - due));
                rec.uncorrected.recordValue(micros(done - sent));
                rec.firstAudio.recordValue(micros(first - due));
                rec.bytes.add(total);
                rec.ok.increment();
            }
        } catch (IOException e) {
            rec.fail("io: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rec.fail("interrupted");
        }
    }

    /**
     * Sends one request and reads its body; returns {time to first body byte, total} in milliseconds.
     *
     * @throws IOException if the request fails or is not answered 200
     */
    public static double[] once(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new IOException(request.uri() + " answered " + r.statusCode() + ": "
                        + new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
            in.read();
            long first = System.nanoTime() - t0;
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return new double[] {first / 1e6, (System.nanoTime() - t0) / 1e6};
        }
    }

    /** Returns the median of {@code values} (the mean of the middle two for an even count). */
    public static double median(java.util.List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static long micros(long nanos) {
        return Math.clamp(nanos / 1000, 0, MAX_MICROS);
    }

    /** The outcomes of one run, safe to record from many threads. */
    private static final class Recorder {
        final Histogram latency = new ConcurrentHistogram(MAX_MICROS, 3);
        final Histogram uncorrected = new ConcurrentHistogram(MAX_MICROS, 3);
        final Histogram firstAudio = new ConcurrentHistogram(MAX_MICROS, 3);
        final Histogram refused = new ConcurrentHistogram(MAX_MICROS, 3);
        final LongAdder retryAfter = new LongAdder();
        final LongAdder cancelled = new LongAdder();
        final LongAdder ok = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

        void fail(String kind) {
            failed.increment();
            errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }

        Map<String, Long> errors() {
            Map<String, Long> m = new TreeMap<>();
            errors.forEach((k, v) -> m.put(k, v.sum()));
            return m;
        }
    }
}
