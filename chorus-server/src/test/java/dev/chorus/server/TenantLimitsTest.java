package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenants' limits on a real server over the paced engine (a one-word request takes 25 ms, so the engine is never
 * what limits): the hard requests-per-second ceiling under a flood, the 429's headers, bursts within the character
 * bucket, the monthly quota stopping exactly at its limit across a restart, and one tenant's flood leaving another
 * tenant's latency alone.
 */
class TenantLimitsTest {

    @TempDir
    Path dir;

    @Test
    void aTenantLimitedTo10PerSecondGets10PerSecondOfAFloodOf50AndA429WithACorrectRetryAfter() throws Exception {
        String key = ApiKeyHash.newKey();
        Path file = dir.resolve("tenants.yaml");
        TenantServer.write(file, new TenantServer.Spec("flood", key, "limits: {requests-per-second: 10}"));
        try (TenantServer server = new TenantServer(file, c -> c)) {
            TenantServer.Flood flood = TenantServer.flood(server.http(), server.speech(key, "Hi.", null), 50,
                    Duration.ofSeconds(5));
            List<HttpResponse<byte[]>> all = flood.responses();
            long ok = flood.count(200);
            long refused = flood.count(429);
            assertThat(all).hasSize(250);
            assertThat(ok + refused).isEqualTo(all.size());
            // 10 a second: 50 for 5 s of flood, or 60 when a busy machine stretches it into a sixth second.
            TenantServer.Flood.assertCeiling(ok, 10, 0.9, flood.firstSent(), flood.lastSent(),
                    flood.lastAdmittedReceived());

            HttpResponse<byte[]> r = all.stream().filter(x -> x.statusCode() == 429).findFirst().orElseThrow();
            JsonNode e = Http.json(r).get("error");
            assertThat(e.get("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(e.get("message").asText()).contains("10 requests per second");
            assertThat(r.headers().firstValue("retry-after")).hasValue("1");
            assertThat(r.headers().firstValue("ratelimit-limit")).hasValue("10");
            assertThat(r.headers().firstValue("ratelimit-remaining")).hasValue("0");
            assertThat(r.headers().firstValue("ratelimit-reset")).hasValue("1");

            // Retry-After is right: waiting that long after a refusal is enough.
            HttpResponse<byte[]> last;
            do {
                last = server.send(server.speech(key, "Hi.", null));
            } while (last.statusCode() == 200);
            Thread.sleep(Long.parseLong(last.headers().firstValue("retry-after").orElseThrow()) * 1000);
            HttpResponse<byte[]> again = server.send(server.speech(key, "Hi.", null));
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.headers().firstValue("ratelimit-limit")).hasValue("10");
        }
    }

    @Test
    void burstsWithinTheCharacterBucketPassAndBeyondItWait() throws Exception {
        String key = ApiKeyHash.newKey();
        Path file = dir.resolve("tenants.yaml");
        TenantServer.write(file, new TenantServer.Spec("bursty", key,
                "limits: {characters-per-second: 20, characters-burst: 400}"));
        try (TenantServer server = new TenantServer(file, c -> c)) {
            String hundred = "Hello".repeat(20); // 100 characters, one word
            for (int i = 0; i < 4; i++) {
                assertThat(server.send(server.speech(key, hundred, null)).statusCode()).as("request " + i)
                        .isEqualTo(200);
            }
            HttpResponse<byte[]> r = server.send(server.speech(key, hundred, null));
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("ratelimit-limit")).hasValue("400");
            long retry = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
            // About 100 characters at 20 a second (less what refilled during the four requests).
            assertThat(retry).isBetween(1L, 5L);
            HttpResponse<byte[]> tooLong = server.send(server.speech(key, "x".repeat(401), null));
            assertThat(tooLong.statusCode()).isEqualTo(413);
        }
    }

    @Test
    void theMonthlyQuotaStopsExactlyAtItsLimitAcrossARestart() throws Exception {
        String key = ApiKeyHash.newKey();
        Path file = dir.resolve("tenants.yaml");
        TenantServer.write(file, new TenantServer.Spec("monthly", key, "limits: {monthly-characters: 100}"));
        // Mid-month, so the test does not straddle a month's end; one hour before its end gives Retry-After.
        Clock clock = Clock.fixed(Instant.parse("2026-03-31T23:00:00Z"), ZoneOffset.UTC);
        String ten = "Hi there!!"; // 10 characters
        try (TenantServer server = new TenantServer(file, c -> c.clock(clock))) {
            for (int i = 0; i < 6; i++) {
                assertThat(server.send(server.speech(key, ten, null)).statusCode()).isEqualTo(200);
            }
        }
        try (TenantServer server = new TenantServer(file, c -> c.clock(clock))) {
            for (int i = 0; i < 4; i++) {
                assertThat(server.send(server.speech(key, ten, null)).statusCode()).as("after restart, " + i)
                        .isEqualTo(200);
            }
            HttpResponse<byte[]> r = server.send(server.speech(key, "x", null));
            assertThat(r.statusCode()).isEqualTo(429);
            JsonNode e = Http.json(r).get("error");
            assertThat(e.get("code").asText()).isEqualTo("insufficient_quota");
            assertThat(e.get("type").asText()).isEqualTo("insufficient_quota");
            assertThat(e.get("message").asText()).contains("100 of 100").contains("2026-03");
            assertThat(r.headers().firstValue("retry-after")).hasValue("3600");
            assertThat(r.headers().firstValue("ratelimit-remaining")).hasValue("0");
        }
        assertThat(dir.resolve("chorus-state").resolve("quota-2026-03.properties")).content()
                .contains("monthly=100");
        // The next month starts afresh.
        Clock april = Clock.fixed(Instant.parse("2026-04-01T00:00:01Z"), ZoneOffset.UTC);
        try (TenantServer server = new TenantServer(file, c -> c.clock(april))) {
            assertThat(server.send(server.speech(key, ten, null)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void oneTenantsFloodLeavesAnotherTenantsLatencyAlone() throws Exception {
        String noisy = ApiKeyHash.newKey();
        String quiet = ApiKeyHash.newKey();
        Path file = dir.resolve("tenants.yaml");
        TenantServer.write(file, new TenantServer.Spec("noisy", noisy, "limits: {requests-per-second: 10}"),
                new TenantServer.Spec("quiet", quiet, ""));
        try (TenantServer server = new TenantServer(file, c -> c)) {
            String four = "One two three four."; // 100 ms of engine time
            p99(server, quiet, four, 8); // warm up the path
            // The test machine is shared with other work, whose load comes and goes: a comparison that fails is
            // made once more, and the second must hold.
            long unloaded = 0;
            long loaded = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 2 && loaded > 1.5 * unloaded; attempt++) {
                unloaded = p99(server, quiet, four, 34);
                HttpClient floodClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                var flood = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return TenantServer.flood(floodClient, server.speech(noisy, "Hi.", null), 50,
                                Duration.ofSeconds(5));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(200);
                loaded = p99(server, quiet, four, 34);
                TenantServer.Flood floodResponses = flood.join();
                assertThat(floodResponses.count(429)).as("the flood was refused").isGreaterThan(100);
                System.out.printf("quiet tenant P99: %d ms unloaded, %d ms during the other tenant's flood%n",
                        unloaded / 1_000_000, loaded / 1_000_000);
                Thread.sleep(1000); // let the flood's bucket and connections settle
            }
            assertThat((double) loaded).as("P99 under the other tenant's flood, ns (unloaded: %d)", unloaded)
                    .isLessThanOrEqualTo(1.5 * unloaded);
        }
    }

    /**
     * Sends {@code perClient} requests one after another from each of three clients at once, and returns the 99th
     * percentile of all their latencies, in ns.
     */
    private static long p99(TenantServer server, String key, String text, int perClient) throws Exception {
        List<Long> times = Collections.synchronizedList(new ArrayList<>());
        List<java.util.concurrent.CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            clients.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < perClient; i++) {
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> r = server.send(server.speech(key, text, null));
                        times.add(System.nanoTime() - t0);
                        assertThat(r.statusCode()).isEqualTo(200);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        clients.forEach(java.util.concurrent.CompletableFuture::join);
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        return sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1);
    }
}
