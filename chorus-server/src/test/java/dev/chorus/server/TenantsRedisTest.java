package dev.chorus.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two server instances sharing one real Redis enforce one budget per tenant: one combined request rate, and one
 * monthly quota that also outlives both instances.
 */
class TenantsRedisTest {

    @TempDir
    Path dir;

    @Test
    void twoInstancesSharingRedisEnforceOneCombinedRateAndQuota() throws Exception {
        try (RedisServer redis = RedisServer.start(dir)) {
            String key = ApiKeyHash.newKey();
            String quota = ApiKeyHash.newKey();
            Path file = dir.resolve("tenants.yaml");
            TenantServer.write(file, new TenantServer.Spec("shared", key, "limits: {requests-per-second: 10}"),
                    new TenantServer.Spec("quota", quota, "limits: {monthly-characters: 50}"));
            try (TenantServer one = new TenantServer(file, c -> c.tenantsRedisUrl(redis.url()));
                 TenantServer two = new TenantServer(file, c -> c.tenantsRedisUrl(redis.url()))) {
                HttpClient other = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                CompletableFuture<TenantServer.Flood> fromTwo = CompletableFuture.supplyAsync(() -> {
                    try {
                        return TenantServer.flood(other, two.speech(key, "Hi.", null), 25, Duration.ofSeconds(3));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                TenantServer.Flood fromOne = TenantServer.flood(one.http(), one.speech(key, "Hi.", null), 25,
                        Duration.ofSeconds(3));
                TenantServer.Flood two2 = fromTwo.join();
                long admitted = fromOne.count(200) + two2.count(200);
                long refused = fromOne.count(429) + two2.count(429);
                // 50 requests a second against one ceiling of 10 a second, refilled whole each second after the
                // first request: 10 per second the floods lasted; two separate budgets would admit 20.
                System.out.printf("admitted by instance one: %d, by instance two: %d%n", fromOne.count(200),
                        two2.count(200));
                // Two instances and Redis on a shared machine: the lower bound is loose, the upper one is the point.
                TenantServer.Flood.assertCeiling(admitted, 10, 0.5, Math.min(fromOne.firstSent(), two2.firstSent()),
                        Math.max(fromOne.lastSent(), two2.lastSent()),
                        Math.max(fromOne.lastAdmittedReceived(), two2.lastAdmittedReceived()));
                // Every request was either admitted or refused for the rate (none failed otherwise); how many of
                // each depends on how long the floods took to send on a busy machine, the ceiling above does not.
                assertThat(admitted + refused).isEqualTo(fromOne.sent() + two2.sent());
                assertThat(refused).isGreaterThan(admitted);

                String ten = "Hi there!!";
                for (int i = 0; i < 5; i++) {
                    TenantServer s = i % 2 == 0 ? one : two;
                    assertThat(s.send(s.speech(quota, ten, null)).statusCode()).isEqualTo(200);
                }
                HttpResponse<byte[]> r = two.send(two.speech(quota, "x", null));
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(Http.json(r).get("error").get("code").asText()).isEqualTo("insufficient_quota");
            }
            // A new instance reads the same quota from Redis.
            try (TenantServer three = new TenantServer(file, c -> c.tenantsRedisUrl(redis.url()))) {
                assertThat(three.send(three.speech(quota, "x", null)).statusCode()).isEqualTo(429);
            }
        }
    }

    @Test
    void duringARedisOutageFailClosedAnswers503WithinMillisecondsAndLimitsWorkAgainAfterIt() throws Exception {
        try (RedisServer redis = RedisServer.start(dir)) {
            String key = ApiKeyHash.newKey();
            String admin = "admin-key-0123456789";
            Path file = dir.resolve("tenants.yaml");
            TenantServer.write(file, new TenantServer.Spec("limited", key,
                    "limits: {requests-per-second: 5, characters-per-second: 1000, monthly-characters: 100000}"));
            try (TenantServer server = new TenantServer(file, c -> c.tenantsRedisUrl(redis.url()).adminKey(admin))) {
                assertThat(server.send(server.speech(key, "Hi.", null)).statusCode()).isEqualTo(200);
                assertThat(breaker(server, admin).get("state").asText()).isEqualTo("closed");
                assertThat(breaker(server, admin).get("on_outage").asText()).isEqualTo("fail-closed");

                redis.stop();
                long slowest = 0;
                for (int i = 0; i < 30; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r = server.send(server.speech(key, "Hi.", null));
                    long took = System.nanoTime() - t0;
                    slowest = Math.max(slowest, took);
                    assertThat(r.statusCode()).as("request %d during the outage", i).isEqualTo(503);
                    assertThat(Http.json(r).get("error").get("code").asText()).isEqualTo("limit_store_unavailable");
                    assertThat(Http.json(r).get("error").get("message").asText()).contains("limited")
                            .doesNotContain("redis://");
                    assertThat(r.headers().firstValue("retry-after")).hasValue("1");
                    assertThat(took).as("answer time of request %d, ns", i).isLessThan(100_000_000L);
                    Thread.sleep(40);
                }
                System.out.printf("fail-closed: slowest answer during the outage %.1f ms%n", slowest / 1e6);
                var state = breaker(server, admin);
                assertThat(state.get("state").asText()).isIn("open", "half_open");
                assertThat(state.get("times_opened").asLong()).isEqualTo(1);
                String metrics = new String(server.get("/metrics", null).body(),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertThat(metrics).containsPattern("chorus_tenant_limit_store_breaker(\\{[^}]*})? 2\\.0");

                redis.restart();
                long back = System.nanoTime();
                TenantServer.eventually(() -> server.send(server.speech(key, "Hi.", null)).statusCode() == 200);
                System.out.printf("fail-closed: limits answered again %.0f ms after Redis restarted%n",
                        (System.nanoTime() - back) / 1e6);
                assertThat(breaker(server, admin).get("state").asText()).isEqualTo("closed");
                // The ceiling holds again: a burst of ten gets at most five in this second.
                Thread.sleep(1100);
                int admitted = 0;
                for (int i = 0; i < 10; i++) {
                    admitted += server.send(server.speech(key, "Hi.", null)).statusCode() == 200 ? 1 : 0;
                }
                assertThat(admitted).isEqualTo(5);
            }
        }
    }

    @Test
    void duringARedisOutageFailOpenAdmitsOnLocalLimitsAndAddsTheUseToRedisAfterIt() throws Exception {
        try (RedisServer redis = RedisServer.start(dir)) {
            String key = ApiKeyHash.newKey();
            String admin = "admin-key-0123456789";
            Path file = dir.resolve("tenants.yaml");
            TenantServer.write(file, new TenantServer.Spec("open", key,
                    "limits: {requests-per-second: 5, monthly-characters: 100000}"));
            try (TenantServer server = new TenantServer(file, c -> c.tenantsRedisUrl(redis.url()).adminKey(admin)
                    .tenantsRedisOnOutage(dev.chorus.server.tenant.OnOutage.FAIL_OPEN))) {
                assertThat(server.send(server.speech(key, "Hi.", null)).statusCode()).isEqualTo(200);
                assertThat(quotaUsed(server, admin)).isEqualTo(3);
                redis.stop();
                Thread.sleep(1100);
                long slowest = 0;
                int admitted = 0;
                for (int i = 0; i < 10; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r = server.send(server.speech(key, "Hi.", null));
                    slowest = Math.max(slowest, System.nanoTime() - t0);
                    assertThat(r.statusCode()).isIn(200, 429);
                    admitted += r.statusCode() == 200 ? 1 : 0;
                }
                System.out.printf("fail-open: slowest answer during the outage %.1f ms%n", slowest / 1e6);
                assertThat(slowest).as("slowest answer, ns").isLessThan(100_000_000L);
                assertThat(admitted).as("the ceiling, counted in this process").isEqualTo(5);
                var state = breaker(server, admin);
                assertThat(state.get("admitted_during_outage").asLong()).isGreaterThanOrEqualTo(4);
                assertThat(state.get("owed_characters").asLong()).isEqualTo(15);

                redis.restart();
                Thread.sleep(1100);
                TenantServer.eventually(() -> {
                    server.send(server.speech(key, "Hi.", null));
                    return breaker(server, admin).get("state").asText().equals("closed");
                });
                // The 15 characters charged during the outage reached Redis (which restarted empty).
                assertThat(breaker(server, admin).get("owed_characters").asLong()).isZero();
                assertThat(quotaUsed(server, admin)).isGreaterThanOrEqualTo(15);
            }
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode breaker(TenantServer s, String admin) throws Exception {
        return Http.json(s.get("/admin/tenants", admin)).get("limits_store_breaker");
    }

    private static long quotaUsed(TenantServer s, String admin) throws Exception {
        return Http.json(s.get("/admin/tenants", admin)).get("data").get(0).get("quota").get("used_characters")
                .asLong();
    }

    @Test
    void anUnreachableRedisStopsTheServerFromStartingWithAClearMessage() throws Exception {
        Path file = dir.resolve("tenants.yaml");
        TenantServer.write(file, new TenantServer.Spec("t", ApiKeyHash.newKey(), ""));
        int closedPort;
        try (var s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "redis://127.0.0.1:" + closedPort;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TenantServer(file, c -> c.tenantsRedisUrl(url)))
                .hasMessageContaining("tenants.redis.url").hasMessageContaining(url);
    }
}
