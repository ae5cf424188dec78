package dev.chorus.server;

import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.common.Flags;
import dev.chorus.runtime.SentenceCache;
import dev.chorus.service.cache.AudioCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A memory cache hit is answered where the request arrived, without the blocking executor: with every thread of
 * that executor held, a hit still gets the same bytes and headers as the response it replays, its access-log line
 * and its metrics, while a miss waits for a blocking thread and is then served as before.
 */
class CacheHitOnEventLoopTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new CountingEngineProvider()),
            r -> r.workers("counting", 2).defaultVoice("counting:tone"),
            s -> s.sentenceCache(SentenceCache.ofMaxBytes(1_000_000)),
            c -> c.warmUp(false).cache(true).cacheMaxBytes(2_000_000).cacheMaxEntryBytes(1_000_000));

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)} (\\S+)$");

    private static HttpRequest speech(String text) {
        return HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":" + Http.quote(text)
                        + ",\"voice\":\"counting:tone\",\"response_format\":\"wav\"}")).build();
    }

    @Test
    @Timeout(60)
    void aMemoryHitIsAnsweredInFullWhileEveryBlockingThreadIsHeld() throws Exception {
        String text = "The hit does not wait for a blocking thread.";
        HttpResponse<byte[]> miss = SERVER.http().send(speech(text), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(miss.statusCode()).isEqualTo(200);
        assertThat(miss.headers().firstValue(AudioCache.HEADER)).hasValue("miss");
        int engineCalls = CountingEngineProvider.totalCalls();

        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        Logger access = Logger.getLogger("dev.chorus.access");
        Handler capture = new Handler() {
            private final LogFormats.Json format = new LogFormats.Json();

            @Override
            public synchronized void publish(LogRecord record) {
                logged.writeBytes(format.format(record).getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        // Every thread of the server's blocking executor (Armeria's common one) waits until released.
        int threads = Flags.numCommonBlockingTaskThreads();
        CountDownLatch held = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < threads; i++) {
            CommonPools.blockingTaskExecutor().execute(() -> {
                held.countDown();
                try {
                    release.await(50, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        access.addHandler(capture);
        CompletableFuture<HttpResponse<byte[]>> other;
        try {
            assertThat(held.await(20, TimeUnit.SECONDS)).as("every blocking thread is held").isTrue();
            double hitsBefore = sum(scrape(), "chorus_cache_requests_total",
                    Map.of("level", "response", "tier", "memory", "result", "hit"));
            double requestsBefore = sum(scrape(), "chorus_requests_total", Map.of("route", "/v1/audio/speech"));

            HttpResponse<byte[]> hit = SERVER.http().send(speech(text), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(hit.statusCode()).isEqualTo(200);
            assertThat(hit.headers().firstValue(AudioCache.HEADER)).hasValue("hit");
            assertThat(hit.body()).isEqualTo(miss.body());
            for (String h : List.of("content-type", "x-chorus-voice", "x-chorus-sample-rate")) {
                assertThat(hit.headers().firstValue(h)).as(h).isPresent().isEqualTo(miss.headers().firstValue(h));
            }
            assertThat(hit.headers().firstValue("content-length")).hasValue(Integer.toString(miss.body().length));
            String requestId = hit.headers().firstValue("x-chorus-request-id").orElseThrow();
            assertThat(requestId).isNotEqualTo(miss.headers().firstValue("x-chorus-request-id").orElseThrow());
            assertThat(hit.headers().firstValue("x-chorus-trace-id")).isPresent();
            // Each of the request's own headers once (the hit builds them in one go), and no server version.
            assertThat(hit.headers().allValues("x-request-id")).containsExactly("req_" + requestId);
            String traceId = hit.headers().firstValue("x-chorus-trace-id").orElseThrow();
            assertThat(hit.headers().allValues("traceresponse")).hasSize(1).first().asString().contains(traceId);
            assertThat(hit.headers().firstValue("server")).isEmpty();
            assertThat(hit.headers().allValues("date")).hasSize(1).first().asString().matches(IMF_FIXDATE);
            assertThat(CountingEngineProvider.totalCalls()).isEqualTo(engineCalls);

            String line = awaitLine(logged, "\"request_id\":\"" + requestId + "\"");
            assertThat(line).contains("\"status\":200").contains("\"voice\":\"counting:tone\"")
                    .contains("\"bytes\":" + miss.body().length);
            assertThat(awaitSum("chorus_cache_requests_total",
                    Map.of("level", "response", "tier", "memory", "result", "hit"), hitsBefore + 1))
                    .isEqualTo(hitsBefore + 1);
            assertThat(awaitSum("chorus_requests_total", Map.of("route", "/v1/audio/speech"), requestsBefore + 1))
                    .isEqualTo(requestsBefore + 1);

            // A miss needs a blocking thread (admission, the synthesis): it waits until one is free.
            other = SERVER.http().sendAsync(speech("A new text is a miss and waits its turn."),
                    HttpResponse.BodyHandlers.ofByteArray());
            Thread.sleep(300);
            assertThat(other).as("a miss while every blocking thread is held").isNotDone();
        } finally {
            release.countDown();
            access.removeHandler(capture);
        }
        HttpResponse<byte[]> served = other.get(30, TimeUnit.SECONDS);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue(AudioCache.HEADER)).hasValue("miss");
        assertThat(served.body().length).isGreaterThan(44);
        // A response served later, on another thread, gets the same headers, each once.
        String servedId = served.headers().firstValue("x-chorus-request-id").orElseThrow();
        assertThat(served.headers().allValues("x-request-id")).containsExactly("req_" + servedId);
        assertThat(served.headers().allValues("x-chorus-voice")).containsExactly("counting:tone");
        assertThat(served.headers().allValues("traceresponse")).hasSize(1);
        assertThat(served.headers().firstValue("server")).isEmpty();
        assertThat(served.headers().allValues("date")).hasSize(1).first().asString().matches(IMF_FIXDATE);
        // So does a refusal, and a route outside the speech pipeline.
        HttpResponse<byte[]> refused = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().allValues("date")).hasSize(1).first().asString().matches(IMF_FIXDATE);
        assertThat(refused.headers().allValues("x-request-id")).hasSize(1);
        HttpResponse<byte[]> health = Http.get(SERVER, "/healthz");
        assertThat(health.headers().allValues("date")).hasSize(1).first().asString().matches(IMF_FIXDATE);
    }

    /** RFC 9110's preferred date format, e.g. {@code Sat, 05 Dec 2026 11:34:52 GMT}. */
    private static final String IMF_FIXDATE =
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} "
                    + "\\d{2}:\\d{2}:\\d{2} GMT";

    private static String scrape() throws Exception {
        HttpResponse<byte[]> r = Http.get(SERVER, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** Sums the samples of {@code name} whose labels include {@code labels}. */
    private static double sum(String exposition, String name, Map<String, String> labels) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            String l = m.group(2);
            if (labels.entrySet().stream().allMatch(e -> l.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
                total += Double.parseDouble(m.group(3));
            }
        }
        return total;
    }

    /** Scrapes until the sum reaches {@code expected} (metrics are recorded as each response completes). */
    private static double awaitSum(String name, Map<String, String> labels, double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double s = sum(scrape(), name, labels);
        while (s < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = sum(scrape(), name, labels);
        }
        return s;
    }

    private static String awaitLine(ByteArrayOutputStream logged, String needle) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String all;
            synchronized (logged) {
                all = logged.toString(StandardCharsets.UTF_8);
            }
            for (String line : all.split("\n")) {
                if (line.contains(needle)) {
                    return line;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no access-log line with " + needle + " in: " + logged);
    }
}
