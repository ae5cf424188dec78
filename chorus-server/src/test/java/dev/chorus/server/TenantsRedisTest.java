package dev.chorus.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
                CompletableFuture<List<HttpResponse<byte[]>>> fromTwo = CompletableFuture.supplyAsync(() -> {
                    try {
                        return TenantServer.flood(other, two.speech(key, "Hi.", null), 25, Duration.ofSeconds(3));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                List<HttpResponse<byte[]>> fromOne = TenantServer.flood(one.http(), one.speech(key, "Hi.", null), 25,
                        Duration.ofSeconds(3));
                long admitted = TenantServer.count(fromOne, 200) + TenantServer.count(fromTwo.join(), 200);
                long refused = TenantServer.count(fromOne, 429) + TenantServer.count(fromTwo.join(), 429);
                // 50 requests a second for 3 s against one ceiling of 10 a second: 30, or 40 when the last requests
                // are served after the refill at 3 s; two separate budgets would admit 60 or more.
                assertThat(admitted).as("admitted by both instances together").isBetween(27L, 40L);
                assertThat(TenantServer.count(fromOne, 200)).isPositive();
                assertThat(TenantServer.count(fromTwo.join(), 200)).isPositive();
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
