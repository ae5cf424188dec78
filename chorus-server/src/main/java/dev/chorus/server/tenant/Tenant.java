package dev.chorus.server.tenant;

import dev.chorus.server.ApiKeyHash;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One tenant of the server, as the tenants file describes it: who it is (API keys, SPIFFE IDs), which voices it
 * may use, its limits, its content policy and its scheduling priority. Immutable; a reload of the file makes new
 * instances.
 *
 * @param id               the tenant's id, as metrics, logs and the usage route name it
 * @param keys             its API keys (stored as salted hashes only); revoked keys are kept to be reported
 * @param spiffeIds        workload identities of the tenant: exact SPIFFE IDs, or prefixes ending in {@code /*}
 * @param voices           glob patterns ({@code espeak:*}, {@code alloy}) of the voices it may use; empty: every voice
 * @param limits           its rate limits, monthly quota and concurrent-stream limit
 * @param contentPolicy    content category to action ({@code block}, {@code mask} or {@code log}), with
 *                         {@code default} for every other category; parsed here, applied by the content rules
 * @param priority         its scheduling priority (higher goes first; default 0)
 * @param backcheck        its own speech back-check mode, replacing the server's, or null for the server's
 */
public record Tenant(String id, List<ApiKey> keys, List<String> spiffeIds, List<String> voices, Limits limits,
                     Map<String, String> contentPolicy, int priority,
                     dev.chorus.service.backcheck.BackcheckChoice backcheck) {

    /** The actions a content policy may name. */
    public static final List<String> CONTENT_ACTIONS = List.of("block", "mask", "log");

    /** Checks and copies the components. */
    public Tenant {
        Objects.requireNonNull(id, "id");
        keys = List.copyOf(keys);
        spiffeIds = List.copyOf(spiffeIds);
        voices = List.copyOf(voices);
        Objects.requireNonNull(limits, "limits");
        contentPolicy = Map.copyOf(contentPolicy);
    }

    /** A tenant that follows the server's back-check. */
    public Tenant(String id, List<ApiKey> keys, List<String> spiffeIds, List<String> voices, Limits limits,
                  Map<String, String> contentPolicy, int priority) {
        this(id, keys, spiffeIds, voices, limits, contentPolicy, priority, null);
    }

    /**
     * One API key of a tenant.
     *
     * @param id      the key's name within the tenant (shown in logs and the usage route, never the key)
     * @param hash    the key's salted hash (see {@link ApiKeyHash})
     * @param revoked whether the key no longer works
     */
    public record ApiKey(String id, ApiKeyHash hash, boolean revoked) {
    }

    /**
     * A tenant's limits; 0 means no limit.
     *
     * @param requestsPerSecond   hard ceiling of requests per second
     * @param charactersPerSecond steady rate of input characters per second (the token bucket's refill)
     * @param charactersBurst     the token bucket's size: characters that may be spent at once
     * @param monthlyCharacters   input characters per calendar month (UTC)
     * @param concurrentStreams   syntheses in progress at once
     */
    public record Limits(long requestsPerSecond, long charactersPerSecond, long charactersBurst,
                         long monthlyCharacters, int concurrentStreams) {

        /** Limits that limit nothing. */
        public static final Limits NONE = new Limits(0, 0, 0, 0, 0);
    }

    /**
     * Returns the authenticated tenant of a request (set before any service runs), or null on an open server and
     * on the routes that need no key.
     */
    public static Tenant of(com.linecorp.armeria.server.ServiceRequestContext ctx) {
        return ctx == null ? null : ctx.attr(TenantGate.TENANT);
    }

    /** Returns the content policy: category to {@code block}, {@code mask} or {@code log}, and {@code default}. */
    @Override
    public Map<String, String> contentPolicy() {
        return contentPolicy;
    }

    /**
     * Tells whether the tenant may use a voice: {@code resolvedId} (such as {@code espeak:en-us}) or
     * {@code asked} (the name the client sent, such as {@code alloy}) matches one of its patterns.
     */
    public boolean allowsVoice(String resolvedId, String asked) {
        if (voices.isEmpty()) {
            return true;
        }
        String a = asked == null ? "" : asked.strip().toLowerCase(Locale.ROOT);
        for (String pattern : voices) {
            Pattern p = glob(pattern);
            if (p.matcher(resolvedId.toLowerCase(Locale.ROOT)).matches() || (!a.isEmpty() && p.matcher(a).matches())) {
                return true;
            }
        }
        return false;
    }

    /** Tells whether {@code spiffeId} is one of the tenant's: equal to an entry, or under a {@code /*} prefix. */
    public boolean matchesSpiffeId(String spiffeId) {
        for (String s : spiffeIds) {
            if (s.endsWith("/*") ? spiffeId.startsWith(s.substring(0, s.length() - 1)) : s.equals(spiffeId)) {
                return true;
            }
        }
        return false;
    }

    /** Returns a case-insensitive pattern for a glob in which {@code *} is any run and {@code ?} one character. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toLowerCase(Locale.ROOT).toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
