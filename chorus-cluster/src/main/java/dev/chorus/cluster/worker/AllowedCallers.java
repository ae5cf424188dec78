package dev.chorus.cluster.worker;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which callers a worker serves, by the SPIFFE ID in their client certificate (its URI subject alternative name,
 * {@code spiffe://trust-domain/path}): in a secured cluster only gateways may call workers, even where other
 * services hold certificates from the same authority.
 *
 * <p>An entry is an exact ID ({@code spiffe://prod.example/ns/chorus/sa/gateway}) or a prefix ending in {@code /*}
 * ({@code spiffe://prod.example/ns/chorus/*}: every ID under that path; {@code spiffe://prod.example/*}: the whole
 * trust domain), matched on whole path segments. A call from a certificate with no SPIFFE ID, or one that no
 * entry matches, is refused with {@code PERMISSION_DENIED} naming the ID, logged (the first refusal of each ID,
 * then every hundredth) and counted per ID ({@link #refused()}).
 */
public final class AllowedCallers {

    private static final System.Logger LOG = System.getLogger(AllowedCallers.class.getName());
    private static final String SCHEME = "spiffe://";
    /** URI is the general-name type of a subject alternative name (RFC 5280). */
    private static final int SAN_URI = 6;
    /** What a refusal without a SPIFFE ID is counted under. */
    static final String NO_ID = "(none)";

    private final List<String> exact = new ArrayList<>();
    private final List<String> prefixes = new ArrayList<>();
    /** Distinct refused IDs counted by name; further ones are counted under {@code (other)}. */
    static final int MAX_IDS = 100;

    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private volatile io.micrometer.core.instrument.MeterRegistry meters;

    private AllowedCallers(List<String> entries) {
        for (String raw : entries) {
            String e = raw.strip();
            if (e.isEmpty()) {
                continue;
            }
            if (!e.startsWith(SCHEME) || e.length() == SCHEME.length()) {
                throw new IllegalArgumentException("cluster.worker.allowed-spiffe-ids: '" + e + "' (expected: "
                        + "spiffe://trust-domain/path, or spiffe://trust-domain/path/* for every ID under it)");
            }
            String rest = e.substring(SCHEME.length());
            String domain = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            if (!domain.matches("[a-z0-9._-]+")) {
                throw new IllegalArgumentException("cluster.worker.allowed-spiffe-ids: '" + e + "': the trust "
                        + "domain may hold only a-z, 0-9, '.', '-' and '_'");
            }
            if (e.endsWith("/*")) {
                prefixes.add(e.substring(0, e.length() - 1));
            } else if (e.contains("*")) {
                throw new IllegalArgumentException("cluster.worker.allowed-spiffe-ids: '" + e + "': '*' only as "
                        + "the last path segment ('/*')");
            } else if (!rest.contains("/")) {
                throw new IllegalArgumentException("cluster.worker.allowed-spiffe-ids: '" + e + "' names a trust "
                        + "domain, not a workload (expected: a path, or '" + e + "/*' for the whole domain)");
            } else {
                exact.add(e);
            }
        }
        if (exact.isEmpty() && prefixes.isEmpty()) {
            throw new IllegalArgumentException("cluster.worker.allowed-spiffe-ids: empty (expected: at least one "
                    + "SPIFFE ID or prefix)");
        }
    }

    /**
     * Returns the callers {@code entries} allow.
     *
     * @throws IllegalArgumentException naming a malformed entry, or for an empty list
     */
    public static AllowedCallers of(List<String> entries) {
        return new AllowedCallers(Objects.requireNonNull(entries, "entries"));
    }

    /** Returns whether a caller with SPIFFE ID {@code id} is served. */
    public boolean allows(String id) {
        if (id == null) {
            return false;
        }
        return exact.contains(id) || prefixes.stream().anyMatch(id::startsWith);
    }

    /** Returns the calls refused so far, by the caller's SPIFFE ID ({@code (none)}: a certificate without one). */
    public Map<String, Long> refused() {
        Map<String, Long> m = new java.util.TreeMap<>();
        refused.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /**
     * Counts refusals in {@code registry} as {@code chorus_cluster_worker_refused_calls_total{spiffe_id}} (at most
     * {@value #MAX_IDS} IDs by name, the rest as {@code (other)}).
     */
    public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        this.meters = Objects.requireNonNull(registry, "registry");
        refused.forEach(this::register);
    }

    private long count(String who) {
        String key = refused.containsKey(who) || refused.size() < MAX_IDS ? who : "(other)";
        AtomicLong[] created = new AtomicLong[1];
        AtomicLong c = refused.computeIfAbsent(key, k -> created[0] = new AtomicLong());
        if (created[0] != null) {
            register(key, c);
        }
        return c.incrementAndGet();
    }

    private void register(String id, AtomicLong count) {
        var m = meters;
        if (m != null) {
            io.micrometer.core.instrument.FunctionCounter.builder("chorus.cluster.worker.refused.calls", count,
                    AtomicLong::get).tag("spiffe_id", id)
                    .description("worker API calls refused: the caller's SPIFFE ID is not allowed").register(m);
        }
    }

    /** Returns the interceptor that refuses calls from callers not allowed. */
    ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
                String id = ctx == null ? null : spiffeId(ctx.sslSession());
                if (allows(id)) {
                    return next.startCall(call, headers);
                }
                String who = id == null ? NO_ID : id;
                long n = count(who);
                if (n == 1 || n % 100 == 0) {
                    LOG.log(System.Logger.Level.WARNING, "worker API refused caller {0} ({1} refusal(s) so far): "
                            + "not in cluster.worker.allowed-spiffe-ids", who, n);
                }
                call.close(Status.PERMISSION_DENIED.withDescription("caller " + who + " may not call this worker "
                        + "(not in cluster.worker.allowed-spiffe-ids)"), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
        };
    }

    /** Returns the SPIFFE ID of the session's client certificate, or null when it has none (or no session). */
    static String spiffeId(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            if (session.getPeerCertificates().length == 0
                    || !(session.getPeerCertificates()[0] instanceof X509Certificate leaf)) {
                return null;
            }
            String found = null;
            var names = leaf.getSubjectAlternativeNames();
            if (names == null) {
                return null;
            }
            for (List<?> n : names) {
                if (n.size() >= 2 && n.get(0) instanceof Integer type && type == SAN_URI
                        && String.valueOf(n.get(1)).startsWith(SCHEME)) {
                    if (found != null) {
                        return null; // An X.509-SVID carries exactly one SPIFFE ID.
                    }
                    found = String.valueOf(n.get(1));
                }
            }
            return found;
        } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
            return null;
        }
    }
}
