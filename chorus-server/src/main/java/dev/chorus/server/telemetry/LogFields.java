package dev.chorus.server.telemetry;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.opentelemetry.api.trace.SpanContext;

/**
 * The request fields a log line carries: passed as a log record parameter (the access log does), or found from
 * the request being served on the logging thread.
 *
 * @param requestId  the server's id of the request
 * @param traceId    the trace id, or null
 * @param spanId     the span id, or null
 * @param voice      the voice id, or null before one is chosen
 * @param tenant     the tenant
 * @param access     the access log fields, or null for other lines
 */
public record LogFields(String requestId, String traceId, String spanId, String voice, String tenant,
                        Access access) {

    LogFields(String requestId, String traceId, String spanId, String voice, String tenant) {
        this(requestId, traceId, spanId, voice, tenant, null);
    }

    /**
     * One access log entry.
     *
     * @param method     the HTTP method
     * @param path       the request path (no query)
     * @param status     the HTTP status
     * @param durationMs time from request to the end of the response
     * @param bytes      response body bytes
     * @param outcome    the outcome label of the request metrics
     * @param spiffeId   the SPIFFE ID of the TLS client certificate, or null
     */
    public record Access(String method, String path, int status, long durationMs, long bytes, String outcome,
                         String spiffeId) {
    }

    LogFields withAccess(String method, String path, int status, long durationMs, long bytes, String outcome,
                         String spiffeId) {
        return new LogFields(requestId, traceId, spanId, voice, tenant,
                new Access(method, path, status, durationMs, bytes, outcome, spiffeId));
    }

    /** Returns the fields of the request the calling thread serves, or null when it serves none. */
    public static LogFields current() {
        if (LOOKING.get()) {
            return null;
        }
        LOOKING.set(true);
        try {
            return lookUp();
        } catch (RuntimeException | LinkageError e) {
            // Armeria logs while its own classes initialize, before a request context can be read.
            return null;
        } finally {
            LOOKING.set(false);
        }
    }

    /** Set while a lookup runs, so a line logged during the lookup (class initialization) does not recurse. */
    private static final ThreadLocal<Boolean> LOOKING = ThreadLocal.withInitial(() -> false);

    private static LogFields lookUp() {
        RequestContext rc = RequestContext.currentOrNull();
        if (!(rc instanceof ServiceRequestContext ctx)) {
            return null;
        }
        RequestTelemetry rt = ctx.attr(RequestTelemetry.KEY);
        if (rt == null) {
            return new LogFields(ctx.id().text(), null, null, null, null);
        }
        SpanContext sc = rt.span().getSpanContext();
        return new LogFields(ctx.id().text(), sc.isValid() ? sc.getTraceId() : null,
                sc.isValid() ? sc.getSpanId() : null, rt.voiceOrNull(), rt.tenant());
    }
}
