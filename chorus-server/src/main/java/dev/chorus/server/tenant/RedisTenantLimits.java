package dev.chorus.server.tenant;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Tenant limits kept in Redis, shared by every replica that points at the same server: the request ceiling as a
 * sliding window log (a sorted set of the admissions of the last second, scored by Redis's own clock so that
 * replicas' clocks do not matter, checked and added to by one Lua script), the character buckets through Bucket4j's
 * Lettuce integration (compare-and-swap on one key per bucket, expiring once a bucket would be full again), and the
 * monthly quota as one counter per tenant and month, charged by a Lua script so that the check and the increment
 * are one atomic step. Counters expire 40 days after their month's last charge.
 *
 * <p>Every command fails fast when Redis is away: a command times out after {@link #COMMAND_TIMEOUT}, commands
 * issued while the connection is down are refused at once instead of queued, and reconnection is retried at least
 * every half second. The {@link LimitStoreBreaker} around this store turns those failures into quick answers.
 */
final class RedisTenantLimits implements TenantLimitStore {

    private static final String CHARGE = """
            local used = tonumber(redis.call('GET', KEYS[1]) or '0')
            local n = tonumber(ARGV[1])
            local limit = tonumber(ARGV[2])
            if limit > 0 and used + n > limit then
              return -1 - used
            end
            local now = redis.call('INCRBY', KEYS[1], n)
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            return now
            """;
    /**
     * KEYS[1]: the window's sorted set; ARGV[1]: the ceiling; ARGV[2]: the window, microseconds. Returns
     * {1, places left, 0} or {0, 0, microseconds until the oldest admission leaves the window}. A member is the
     * admission's time and the window's size before it, unique even for two admissions in one microsecond.
     */
    private static final String WINDOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local ceiling = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            local n = redis.call('ZCARD', KEYS[1])
            if n < ceiling then
              redis.call('ZADD', KEYS[1], now, now .. ':' .. n)
              redis.call('PEXPIRE', KEYS[1], math.floor(window / 1000) + 1000)
              return {1, ceiling - n - 1, 0}
            end
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            return {0, 0, tonumber(oldest[2]) + window - now}
            """;
    /** How long one command may take before it counts as a failure. */
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(250);
    /** How long connecting (at start-up, or again after an outage) may take; commands are refused meanwhile. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final long QUOTA_TTL_SECONDS = Duration.ofDays(40).toSeconds();

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final ProxyManager<byte[]> buckets;
    private final String uri;
    private final Map<String, BucketProxy> proxies = new ConcurrentHashMap<>();

    /** Connects to {@code uri} ({@code redis://host:port[/db]}); fails now if Redis does not answer. */
    RedisTenantLimits(String uri) {
        this.uri = uri;
        RedisURI parsed;
        try {
            parsed = RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("tenants.redis.url: '" + uri
                    + "' (expected: redis://host:port, e.g. redis://127.0.0.1:6379)", e);
        }
        parsed.setTimeout(CONNECT_TIMEOUT); // connecting and the handshake; commands get COMMAND_TIMEOUT below
        this.resources = DefaultClientResources.builder().reconnectDelay(Delay.exponential(Duration.ofMillis(10),
                Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS)).build();
        this.client = RedisClient.create(resources, parsed);
        client.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        try {
            this.connection = client.connect();
            connection.sync().ping();
            connection.setTimeout(COMMAND_TIMEOUT);
        } catch (RuntimeException e) {
            client.shutdown();
            resources.shutdown();
            throw new IllegalStateException("tenants.redis.url: cannot reach Redis at " + uri + ": "
                    + e.getMessage(), e);
        }
        this.buckets = Bucket4jLettuce.casBasedBuilder(client).requestTimeout(COMMAND_TIMEOUT)
                .expirationAfterWrite(ExpirationAfterWriteStrategy
                        .basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
    }

    @Override
    public WindowProbe tryRequest(String key, long perSecond) {
        List<Object> r = connection.sync().eval(WINDOW, ScriptOutputType.MULTI, new String[] {"chorus:window:" + key},
                Long.toString(perSecond), Long.toString(RequestWindow.WINDOW_NANOS / 1000));
        return ((Long) r.get(0)) == 1 ? WindowProbe.admitted((Long) r.get(1))
                : WindowProbe.refused(TimeUnit.MICROSECONDS.toNanos((Long) r.get(2)));
    }

    @Override
    public ConsumptionProbe tryConsume(String key, BucketConfiguration config, long tokens) {
        return proxy(key, config).tryConsumeAndReturnRemaining(tokens);
    }

    @Override
    public void refund(String key, BucketConfiguration config, long tokens) {
        proxy(key, config).addTokens(tokens);
    }

    /**
     * Returns the one proxy this process uses for a bucket. Its batching sends the requests that arrive while one
     * round trip is in flight together in the next, so a flood does not become a storm of compare-and-swap
     * retries on one key.
     */
    private BucketProxy proxy(String key, BucketConfiguration config) {
        return proxies.computeIfAbsent(key, k -> buckets.builder().withOptimization(Optimizations.batching())
                .build(bytes(k), () -> config));
    }

    @Override
    public long chargeMonthly(String tenant, YearMonth month, long characters, long limit) {
        Long r = connection.sync().eval(CHARGE, ScriptOutputType.INTEGER, new String[] {quotaKey(tenant, month)},
                Long.toString(characters), Long.toString(limit), Long.toString(QUOTA_TTL_SECONDS));
        return r;
    }

    @Override
    public long monthlyUse(String tenant, YearMonth month) {
        String v = connection.sync().get(quotaKey(tenant, month));
        return v == null ? 0 : Long.parseLong(v);
    }

    @Override
    public String describe() {
        return "in Redis at " + uri + " (shared by every replica that uses it)";
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
        resources.shutdown();
    }

    private static String quotaKey(String tenant, YearMonth month) {
        return "chorus:quota:" + tenant + ":" + month;
    }

    private static byte[] bytes(String key) {
        return ("chorus:bucket:" + key).getBytes(StandardCharsets.UTF_8);
    }
}
