package dev.chorus.loadgen;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator against a small real HTTP server: it counts answers and errors by status, and in an open
 * loop it charges a stall to every request the stall delayed.
 */
class LoadGeneratorTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(com.sun.net.httpserver.HttpHandler handler, int threads) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/audio");
    }

    private static void answer(HttpExchange e, int status, byte[] body) throws IOException {
        e.getRequestBody().readAllBytes();
        e.sendResponseHeaders(status, body.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(body);
        }
    }

    @Test
    void countsAnswersBytesAndErrorsByStatus() throws Exception {
        AtomicInteger n = new AtomicInteger();
        URI uri = serve(e -> answer(e, n.incrementAndGet() % 4 == 0 ? 503 : 200, new byte[1000]), 2);
        LoadGenerator.Settings s = new LoadGenerator.Settings("test", 2, 0, Duration.ofMillis(800),
                Duration.ofMillis(100), false);

        LoadResult r = new LoadGenerator(LoadGenerator.defaultClient()).run(s,
                i -> HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("{}")).build());

        assertThat(r.ok()).isPositive();
        assertThat(r.errors()).containsOnlyKeys("503");
        // One answer in four is a 503 (the warm-up shifts the phase by at most one).
        assertThat((double) r.errors().get("503") / (r.ok() + r.errorCount())).isBetween(0.15, 0.35);
        assertThat(r.bytes()).isEqualTo(r.ok() * 1000);
        assertThat(r.latency().count()).isEqualTo(r.ok());
        assertThat(r.requestsPerSecond()).isEqualTo(r.ok() / r.seconds());
        Map<String, Object> json = r.json();
        assertThat(json).containsKeys("mode", "requests_per_second", "errors", "latency", "time_to_first_audio");
        var written = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.write(json));
        assertThat(written.get("mode").asText()).isEqualTo("closed");
        assertThat(written.get("errors").get("503").asLong()).isEqualTo(r.errors().get("503"));
        assertThat(written.get("latency").has("p999_ms")).isTrue();
    }

    @Test
    void aCancelledCallIsClosedAfterItsFirstBytesAndCountedApart() throws Exception {
        AtomicInteger cutOff = new AtomicInteger();
        // A cancelled call asks for a stream of up to 1 GiB, far more than the sockets hold, so the server can only
        // finish it if the client reads it all; the others get 1,000 bytes.
        URI uri = serve(e -> {
            e.getRequestBody().readAllBytes();
            if (!e.getRequestURI().getPath().endsWith("/endless")) {
                answer(e, 200, new byte[1000]);
                return;
            }
            e.sendResponseHeaders(200, 0);
            try (OutputStream out = e.getResponseBody()) {
                for (int k = 0; k < 8192; k++) {
                    out.write(new byte[128 * 1024]);
                }
            } catch (IOException closedByClient) {
                cutOff.incrementAndGet();
            }
        }, 4);
        LoadGenerator.Settings s = new LoadGenerator.Settings("test", 2, 0, Duration.ofMillis(800),
                Duration.ZERO, false);

        LoadResult r = new LoadGenerator(LoadGenerator.defaultClient()).runCalls(s, i -> new LoadGenerator.Call(
                HttpRequest.newBuilder(i % 2 == 1 ? uri.resolve("/endless") : uri)
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), i % 2 == 1));

        assertThat(r.cancelled()).isPositive();
        assertThat(r.ok()).isPositive();
        assertThat(r.errors()).isEmpty();
        assertThat(r.bytes()).isEqualTo(r.ok() * 1000);
        assertThat(r.json()).containsEntry("cancelled", r.cancelled());
        // The server saw every cancelled answer cut off rather than read.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (cutOff.get() < r.cancelled() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(cutOff.get()).isEqualTo((int) r.cancelled());
    }

    @Test
    void anOpenLoopChargesAStallToEveryRequestItDelayed() throws Exception {
        AtomicBoolean stalled = new AtomicBoolean();
        AtomicInteger n = new AtomicInteger();
        // One request early in the run takes 1.5 s; the rest answer at once.
        URI uri = serve(e -> {
            if (n.incrementAndGet() == 40 && stalled.compareAndSet(false, true)) {
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            answer(e, 200, new byte[10]);
        }, 4);
        // 100 requests/s for 2 s on one client, like one connection: the stall holds back the ~150 requests due
        // while it lasts (from 0.4 s to 1.9 s), each by the time left of it when it was due (1.5 s down to 0).
        LoadGenerator.Settings s = new LoadGenerator.Settings("stall", 1, 100, Duration.ofSeconds(2), Duration.ZERO,
                false);

        LoadResult r = new LoadGenerator(LoadGenerator.defaultClient()).run(s,
                i -> HttpRequest.newBuilder(uri).GET().build());

        assertThat(stalled).isTrue();
        assertThat(r.mode()).isEqualTo("open");
        // Corrected: three quarters of the requests were due during the stall and waited for it; the median is one
        // of those, held back by about a third of the stall (~500 ms).
        assertThat(r.latency().p99()).isGreaterThan(1000);
        assertThat(r.latency().p50()).isGreaterThan(150);
        // Uncorrected: only the one stalled request was slow, so P99 of ~200 hides it.
        assertThat(r.uncorrected().p99()).isLessThan(300);
        assertThat(r.uncorrected().max()).isGreaterThan(900);
    }
}
