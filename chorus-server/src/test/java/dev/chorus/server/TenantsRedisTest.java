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
                assertThat(refused).isGreaterThan(100);

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
