package dev.chorus.server.tenant;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.server.ServerConfig;
import dev.chorus.server.telemetry.Telemetry;
import dev.chorus.server.tls.PeerIdentity;
import dev.chorus.service.Admission;
import dev.chorus.service.ApiException;
import dev.chorus.service.Caller;
import dev.chorus.tts.VoiceInfo;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.netty.util.AttributeKey;

import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who a request is and whether it may run: finds the tenant from its API key (or its SPIFFE ID), then, when a
 * synthesis starts, checks the voice and takes the request from the tenant's limits in this order: a
 * concurrent-stream slot, the hard requests-per-second ceiling (a sliding one-second window: no second, wherever it
 * starts, admits more), the character bucket, the monthly quota. A request refused at a later step gives back what
 * the earlier steps took, except its place in the request window: such refused requests count towards the request
 * rate, so a flood is held at the ceiling. A request the window itself refuses takes no place in it.
 *
 * <p>When the shared limit store does not answer, its circuit breaker answers at once: under fail-closed a limited
 * request gets 503 {@code limit_store_unavailable} with Retry-After; under fail-open it is checked against limits
 * counted in this process.
 *
 * <p>Design: everything here is per request and lock-free except the local quota ledger (one small lock). The
 * stream slot is a per-tenant counter in this process, released when the response is complete, whichever way it
 * ends (finished, failed, or the client left).
 */
public final class TenantGate implements Admission, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TenantGate.class.getName());

    /** The authenticated tenant of a request. */
    static final AttributeKey<Tenant> TENANT = AttributeKey.valueOf(TenantGate.class, "TENANT");
    /** What a 401 asks for (RFC 6750). */
    private static final Map<String, String> CHALLENGE = Map.of("www-authenticate", "Bearer realm=\"chorus\"");

    private final TenantRegistry registry;
    private final TenantLimitStore limits;
    private final Clock clock;
    private final Map<String, AtomicInteger> streams = new ConcurrentHashMap<>();
    private final Map<String, TenantUsage> usage = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder admittedDuringOutage =
            new java.util.concurrent.atomic.LongAdder();
    private volatile Meters meters = new Meters() { };
    /** Concurrent streams of a tenant whose limits name none (0: no limit). */
    private volatile int defaultStreams;

    /** Told of each admission and refusal, for metrics. */
    public interface Meters {
        /** A request of {@code tenant} was refused for {@code reason}. */
        default void rejected(String reason, String tenant) {
        }

        /** A synthesis of {@code characters} input characters was admitted for {@code tenant}. */
        default void admitted(String tenant, long characters) {
        }
    }

    /** How long the limit store's breaker stays open before it probes the store again. */
    static final Duration BREAKER_OPEN_FOR = Duration.ofSeconds(1);
    /** The store's failures in a row that open its breaker. */
    static final int BREAKER_THRESHOLD = 3;

    TenantGate(TenantRegistry registry, TenantLimitStore limits, Clock clock) {
        this.registry = registry;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Opens the tenants of a server: its tenants file ({@code tenants.file}, re-read as it changes) and the store of
     * their limits (Redis when {@code tenants.redis.url} is set, else this process and {@code tenants.state-dir}).
     *
     * @throws IllegalArgumentException when {@code config} names no tenants file
     */
    public static TenantGate open(ServerConfig config) {
        if (config.tenantsFile() == null) {
            throw new IllegalArgumentException("tenants.file: none (expected: the path of a tenants file)");
        }
        TenantRegistry registry = new TenantRegistry(config.tenantsFile(), config.tenantsReloadInterval());
        TenantLimitStore store;
        try {
            store = config.tenantsRedisUrl() != null ? new LimitStoreBreaker(
                    new RedisTenantLimits(config.tenantsRedisUrl()), config.tenantsRedisOnOutage(),
                    BREAKER_THRESHOLD, BREAKER_OPEN_FOR, System::nanoTime)
                    : new LocalTenantLimits(config.tenantsStateDir());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "tenants: {0} from {1}; every route but /healthz, /readyz, /metrics, "
                + "/openapi.json, /docs and the playground needs a key; limits kept {2}",
                registry.directory().tenants().size(), config.tenantsFile(), store.describe());
        TenantGate gate = new TenantGate(registry, store, config.clock());
        gate.defaultConcurrentStreams(config.tenantsConcurrentStreams());
        return gate;
    }

    /**
     * Sets how many syntheses a tenant whose limits name no {@code concurrent-streams} may have in progress at once
     * in this process (0: no limit).
     */
    public void defaultConcurrentStreams(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("defaultConcurrentStreams: " + max + " (expected: >= 0)");
        }
        this.defaultStreams = max;
    }

    /** Returns the concurrent-stream limit that holds for a tenant: its own, else the server's default. */
    int concurrentStreams(Tenant t) {
        int own = t.limits().concurrentStreams();
        return own > 0 ? own : defaultStreams;
    }

    /** Returns the streams open now across tenants, in this process. */
    public int openStreams() {
        return streams.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public void meters(Meters m) {
        this.meters = m;
    }

    /** Tells the tenants whether the server runs a speech back-check (see {@link TenantRegistry#backcheck}). */
    public void backcheck(boolean available) {
        registry.backcheck(available);
    }

    TenantRegistry registry() {
        return registry;
    }

    TenantLimitStore limits() {
        return limits;
    }

    /** Returns the breaker around a shared limit store, or null when limits are kept in this process. */
    LimitStoreBreaker breaker() {
        return limits instanceof LimitStoreBreaker b ? b : null;
    }

    /**
     * Returns the state of the shared limit store's circuit breaker as a number, for a gauge: 0 closed (or no
     * shared store), 1 half-open (probing), 2 open (the store is not asked).
     */
    public int limitStoreState() {
        LimitStoreBreaker b = breaker();
        return b == null ? 0 : b.state().ordinal();
    }

    /** Returns how many requests were admitted against this process's limits while the shared store was away. */
    public long admittedDuringOutage() {
        return admittedDuringOutage.sum();
    }

    /** Returns the usage counters of a tenant (made on first use). */
    TenantUsage usage(String tenant) {
        return usage.computeIfAbsent(tenant, TenantUsage::new);
    }

    /** Adds seconds of audio made for a tenant to its usage. */
    public void addAudioSeconds(String tenant, double seconds) {
        usage(tenant).audioSeconds.add(seconds);
    }

    /** Returns the concurrent streams a tenant has open in this process. */
    int openStreams(String tenant) {
        AtomicInteger n = streams.get(tenant);
        return n == null ? 0 : n.get();
    }

    /** Returns the month quotas are counted in now (UTC). */
    YearMonth month() {
        return YearMonth.now(clock.withZone(ZoneOffset.UTC));
    }

    /**
     * Finds the tenant of a request: from {@code Authorization: Bearer KEY} or {@code x-api-key} (HTTP headers and
     * gRPC metadata alike), else from the SPIFFE ID its client certificate proved.
     *
     * @throws ApiException 401 for no key or a wrong or revoked one; 403 for an unknown SPIFFE ID
     */
    Tenant authenticate(ServiceRequestContext ctx, RequestHeaders headers) {
        String key = keyOf(headers);
        TenantRegistry.Directory d = registry.directory();
        if (key == null) {
            String spiffe = ctx.attr(PeerIdentity.SPIFFE_ID);
            if (spiffe != null) {
                return d.bySpiffeId(spiffe).orElseThrow(() -> reject("unknown_identity", null,
                        new ApiException(403, "unknown_identity", null, "client certificate: the SPIFFE ID '" + spiffe
                                + "' belongs to no tenant (expected: one listed in a tenant's spiffe-ids, or an API "
                                + "key)")));
            }
            throw reject("missing_api_key", null, new ApiException(401, "missing_api_key", null,
                    "no API key (expected: Authorization: Bearer KEY, or an x-api-key header)", 0, CHALLENGE));
        }
        return authenticate(key);
    }

    /**
     * Finds the tenant of an API key that came some other way than an HTTP header (such as a Wyoming connection's
     * first event).
     *
     * @throws ApiException 401 for a wrong or revoked key
     */
    public Tenant authenticate(String key) {
        TenantRegistry.KeyMatch m = registry.directory().byKey(key).orElseThrow(() -> reject("invalid_api_key", null,
                new ApiException(401, "invalid_api_key", null, "the API key is not valid (expected: a key issued "
                        + "for a tenant of this server)", 0, CHALLENGE)));
        if (m.key().revoked()) {
            throw reject("revoked_api_key", m.tenant().id(), new ApiException(401, "revoked_api_key", null,
                    "the API key '" + m.key().id() + "' of tenant '" + m.tenant().id() + "' was revoked", 0,
                    CHALLENGE));
        }
        return m.tenant();
    }

    /** Returns the tenant with {@code id} as the tenants file has it now, if there is one. */
    public java.util.Optional<Tenant> tenant(String id) {
        return registry.directory().byId(id);
    }

    /** Returns the caller's tenant as the tenants file has it now (a reload may have changed it), or null. */
    private Tenant tenantOf(Caller caller) {
        String id = caller.tenant();
        if (id == null) {
            return null;
        }
        return registry.directory().byId(id).orElseThrow(() -> reject("unknown_tenant", null, new ApiException(401,
                "invalid_api_key", null, "tenant '" + id + "' no longer exists (expected: a key of a current tenant)",
                0, CHALLENGE)));
    }

    /**
     * Checks that the caller's tenant may use {@code voice} (asked for as {@code asked}); a caller without a tenant
     * (an open server) passes.
     *
     * @throws ApiException 403 for a voice the tenant may not use
     */
    @Override
    public void checkVoice(Caller caller, String asked, VoiceInfo voice) {
        Tenant now = tenantOf(caller);
        if (now != null && !now.allowsVoice(voice.id(), asked)) {
            String name = asked == null || asked.isBlank() ? voice.id() : asked;
            throw reject("voice_not_allowed", now.id(), new ApiException(403, "voice_not_allowed", "voice",
                    "voice: '" + name + "' (" + voice.id() + ") is not allowed for tenant '" + now.id()
                            + "' (expected one of: " + String.join(", ", now.voices()) + ")"));
        }
    }

    /** A shared limit store (Redis) or quota file written per charge may block; limits kept in memory do not. */
    @Override
    public boolean mayBlock() {
        return limits.mayBlock();
    }

    /**
     * Takes a synthesis of {@code characters} input characters from the caller's tenant's limits; a caller
     * without a tenant passes. The stream slot is given back when the response ends.
     *
     * @throws ApiException 429 with Retry-After and RateLimit-* headers when a limit is reached; 413 when the
     *                      input is larger than the character bucket
     */
    @Override
    public void charge(Caller caller, long characters) {
        Tenant now = tenantOf(caller);
        if (now == null) {
            return;
        }
        Tenant.Limits l = now.limits();
        Runnable releaseStream = acquireStream(now);
        try {
            if (l.requestsPerSecond() > 0) {
                TenantLimitStore.WindowProbe p = limits.tryRequest(now.id() + ":rps:" + l.requestsPerSecond(),
                        l.requestsPerSecond());
                if (!p.admitted()) {
                    throw rateLimited(now, "rate_limited", "requests per second", l.requestsPerSecond(), 0,
                            p.nanosToWait());
                }
                caller.metadata("ratelimit-limit", Long.toString(l.requestsPerSecond()));
                caller.metadata("ratelimit-remaining", Long.toString(p.remaining()));
            }
            String charKey = now.id() + ":chars:" + l.charactersPerSecond() + ":" + l.charactersBurst();
            BucketConfiguration charBucket = l.charactersPerSecond() > 0
                    ? TenantLimitStore.characterBucket(l.charactersPerSecond(), l.charactersBurst()) : null;
            boolean charsTaken = false;
            try {
                if (charBucket != null && characters > 0) {
                    if (characters > l.charactersBurst()) {
                        throw reject("input_too_long", now.id(), new ApiException(413, "input_too_long", "input",
                                "input: " + characters + " characters (expected: at most " + l.charactersBurst()
                                        + ", the character burst of tenant '" + now.id() + "')"));
                    }
                    ConsumptionProbe p = limits.tryConsume(charKey, charBucket, characters);
                    if (!p.isConsumed()) {
                        throw rateLimited(now, "characters_rate_limited", "characters (burst)", l.charactersBurst(),
                                p.getRemainingTokens(), p.getNanosToWaitForRefill());
                    }
                    charsTaken = true;
                }
                if (characters > 0 || l.monthlyCharacters() > 0) {
                    YearMonth month = month();
                    long r = limits.chargeMonthly(now.id(), month, characters, l.monthlyCharacters());
                    if (r < 0) {
                        refund(charKey, charBucket, charsTaken ? characters : 0);
                        throw quotaExhausted(now, month, -1 - r, characters);
                    }
                }
            } catch (LimitStoreUnavailableException e) {
                refund(charKey, charBucket, charsTaken ? characters : 0);
                throw e;
            }
        } catch (LimitStoreUnavailableException e) {
            releaseStream.run();
            throw storeUnavailable(now, e);
        } catch (RuntimeException e) {
            releaseStream.run();
            throw e;
        }
        caller.whenDone(releaseStream);
        TenantUsage u = usage(now.id());
        u.requests.increment();
        u.characters.add(characters);
        LimitStoreBreaker b = breaker();
        if (b != null && b.onOutage() == OnOutage.FAIL_OPEN && b.state() != LimitStoreBreaker.State.CLOSED) {
            admittedDuringOutage.increment();
        }
        meters.admitted(now.id(), characters);
    }

    private Runnable acquireStream(Tenant t) {
        int max = concurrentStreams(t);
        AtomicInteger n = streams.computeIfAbsent(t.id(), k -> new AtomicInteger());
        while (true) {
            int cur = n.get();
            if (max > 0 && cur >= max) {
                throw reject("concurrent_streams", t.id(), new ApiException(429, "concurrent_streams_exceeded",
                        null, "tenant '" + t.id() + "' has " + cur + " streams open (expected: at most " + max
                        + " at once; retry when one ends)", 1, Map.of("ratelimit-limit", Integer.toString(max),
                        "ratelimit-remaining", "0", "ratelimit-reset", "1")));
            }
            if (n.compareAndSet(cur, cur + 1)) {
                break;
            }
        }
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                n.decrementAndGet();
            }
        };
    }

    private ApiException rateLimited(Tenant t, String reason, String what, long limit, long remaining,
                                     long nanosToWait) {
        long wait = seconds(nanosToWait);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ratelimit-limit", Long.toString(limit));
        h.put("ratelimit-remaining", Long.toString(remaining));
        h.put("ratelimit-reset", Long.toString(wait));
        return reject(reason, t.id(), new ApiException(429, "rate_limit_exceeded", null, "rate limit of tenant '"
                + t.id() + "' reached: " + limit + " " + what + " (expected: retry after " + wait + " s)", wait, h));
    }

    private ApiException storeUnavailable(Tenant t, LimitStoreUnavailableException e) {
        long wait = seconds(e.nanosToRetry());
        return reject("limit_store_unavailable", t.id(), new ApiException(503, "limit_store_unavailable", null,
                "the store of tenant limits does not answer, so the limits of tenant '" + t.id() + "' cannot be "
                        + "checked (expected: retry after " + wait + " s)", wait, Map.of()));
    }

    /** Gives back characters taken from a bucket, as far as the store lets it (a refund is never worth a refusal). */
    private void refund(String key, BucketConfiguration config, long characters) {
        if (config == null || characters <= 0) {
            return;
        }
        try {
            limits.refund(key, config, characters);
        } catch (LimitStoreUnavailableException e) {
            LOG.log(System.Logger.Level.DEBUG, "tenants: refund of {0} characters to {1} lost: {2}", characters, key,
                    e.getMessage());
        }
    }

    /** Returns whole seconds, rounded up and at least 1, for Retry-After and RateLimit-Reset. */
    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    private ApiException quotaExhausted(Tenant t, YearMonth month, long used, long asked) {
        long reset = Math.max(1, Duration.between(clock.instant(),
                month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()).toSeconds());
        long limit = t.limits().monthlyCharacters();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ratelimit-limit", Long.toString(limit));
        h.put("ratelimit-remaining", Long.toString(Math.max(0, limit - used)));
        h.put("ratelimit-reset", Long.toString(reset));
        return reject("quota_exceeded", t.id(), new ApiException(429, "insufficient_quota", null, "monthly quota of "
                + "tenant '" + t.id() + "' reached: " + used + " of " + limit + " characters used in " + month
                + " (UTC), this request needs " + asked + " (expected: wait for the next month, or a higher quota)",
                reset, h));
    }

    private ApiException reject(String reason, String tenant, ApiException e) {
        String id = tenant == null ? Telemetry.ANONYMOUS : tenant;
        if (tenant != null) {
            usage(tenant).rejected(reason);
        }
        meters.rejected(reason, id);
        return e;
    }

    /** Returns the key a request carries, or null: {@code Authorization: Bearer KEY}, else {@code x-api-key}. */
    static String keyOf(RequestHeaders headers) {
        String auth = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && !auth.substring(7).isBlank()) {
            return auth.substring(7).strip();
        }
        String x = headers.get("x-api-key");
        return x == null || x.isBlank() ? null : x.strip();
    }

    @Override
    public void close() {
        registry.close();
        limits.close();
    }
}
