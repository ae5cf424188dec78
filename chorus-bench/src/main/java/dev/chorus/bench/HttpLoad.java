package dev.chorus.bench;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads {@code POST /v1/audio/speech} of a running Chorus server at a fixed concurrency and reports requests per
 * second and latency percentiles (time to first audio byte and to the last byte). Each of {@code --concurrency}
 * workers sends one request at a time and reads the whole body; the run stops after {@code --requests} requests
 * or {@code --max-seconds}, whichever comes first. Only loopback targets are accepted.
 *
 * <p>Run: {@code java -cp "chorus-bench/target/chorus-bench-0.1.0-SNAPSHOT.jar:chorus-bench/target/lib/*"
 * dev.chorus.bench.HttpLoad --url http://127.0.0.1:8080/v1/audio/speech --voice espeak:en-us --concurrency 4
 * --requests 200}
 */
public final class HttpLoad {

    private static final String SENTENCE = "The quick brown fox jumps over the lazy dog.";

    private HttpLoad() {
    }

    /** Runs the load and prints one result line. */
    public static void main(String[] argv) throws Exception {
        Map<String, String> a = LoopbackHttp.args(argv);
        URI uri = LoopbackHttp.loopback(a.getOrDefault("url", "http://127.0.0.1:8080/v1/audio/speech"));
        String voice = a.getOrDefault("voice", "espeak:en-us");
        String text = a.getOrDefault("text", SENTENCE);
        int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "4"));
        int requests = Integer.parseInt(a.getOrDefault("requests", "200"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "10"));
        double maxSeconds = Double.parseDouble(a.getOrDefault("max-seconds", "120"));
        String body = "{\"model\":\"tts-1\",\"input\":" + LoopbackHttp.quote(text) + ",\"voice\":"
                + LoopbackHttp.quote(voice) + ",\"response_format\":\"pcm\"}";
        HttpClient http = LoopbackHttp.client();
        HttpRequest request = LoopbackHttp.post(uri, body);
        for (int i = 0; i < warmup; i++) {
            one(http, request);
        }

        List<double[]> results = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger left = new AtomicInteger(requests);
        AtomicInteger errors = new AtomicInteger();
        long t0 = System.nanoTime();
        long stopAt = t0 + (long) (maxSeconds * 1e9);
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                workers.submit(() -> {
                    while (left.getAndDecrement() > 0 && System.nanoTime() < stopAt) {
                        try {
                            double[] r = one(http, request);
                            if (r == null) {
                                errors.incrementAndGet();
                            } else {
                                results.add(r);
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Double> first = results.stream().map(r -> r[0]).toList();
        List<Double> total = results.stream().map(r -> r[1]).toList();
        System.out.printf(Locale.ROOT, "voice=%s concurrency=%d requests=%d errors=%d seconds=%.1f rps=%.2f"
                        + " | first byte ms p50=%.0f p95=%.0f p99=%.0f | total ms p50=%.0f p95=%.0f p99=%.0f%n",
                voice, concurrency, results.size(), errors.get(), seconds, results.size() / seconds,
                LoopbackHttp.percentile(first, 50), LoopbackHttp.percentile(first, 95),
                LoopbackHttp.percentile(first, 99), LoopbackHttp.percentile(total, 50),
                LoopbackHttp.percentile(total, 95), LoopbackHttp.percentile(total, 99));
    }

    /** Sends one request and reads its body; returns {first byte ms, total ms}, or null for a non-200. */
    static double[] one(HttpClient http, HttpRequest request) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                return null;
            }
            int b = in.read();
            long first = System.nanoTime() - t0;
            if (b >= 0) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return new double[] {first / 1e6, (System.nanoTime() - t0) / 1e6};
        }
    }
}
