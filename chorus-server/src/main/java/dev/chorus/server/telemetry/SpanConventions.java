package dev.chorus.server.telemetry;

import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.logging.RequestLog;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

import java.util.Set;

/**
 * What a finished server span says, following OpenTelemetry's semantic conventions for HTTP and gRPC servers.
 *
 * <ul>
 *   <li>An HTTP answer of 5xx is an error; a 4xx is the client's mistake and leaves the span's status unset.</li>
 *   <li>A gRPC call carries {@code rpc.system}, {@code rpc.service}, {@code rpc.method} and
 *       {@code rpc.grpc.status_code}, is named {@code service/method}, and is an error only for the codes a server
 *       is to blame for: UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE and DATA_LOSS.</li>
 *   <li>Scrapes of {@code /metrics} and the health and readiness probes make no span at all: they come every few
 *       seconds and would bury the requests people look for.</li>
 * </ul>
 */
final class SpanConventions {

    /** Paths that are polled by machines and never traced. */
    private static final Set<String> UNTRACED = Set.of("/metrics", "/healthz", "/readyz");

    /** gRPC codes that are the server's fault: UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS. */
    private static final Set<Integer> GRPC_SERVER_ERRORS = Set.of(2, 4, 12, 13, 14, 15);

    private SpanConventions() {
    }

    /** Tells whether a request to {@code path} is left untraced. */
    static boolean untraced(String path) {
        return UNTRACED.contains(path);
    }

    /** Tells whether the request was a gRPC call (not an HTTP/JSON call transcoded to one). */
    static boolean grpc(RequestLog log) {
        MediaType type = log.requestHeaders().contentType();
        return type != null && "application".equals(type.type()) && type.subtype().startsWith("grpc");
    }

    /** Returns the call's grpc-status, from the trailers or a trailers-only answer's headers, or -1. */
    static int grpcStatus(RequestLog log) {
        String s = log.responseTrailers().get("grpc-status");
        if (s == null) {
            s = log.responseHeaders().get("grpc-status");
        }
        try {
            return s == null ? -1 : Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Sets the span's name, protocol attributes and status for a finished request. */
    static void finish(Span span, RequestLog log, String route, int httpStatus) {
        if (grpc(log)) {
            int code = grpcStatus(log);
            span.updateName(route);
            span.setAttribute("rpc.system", "grpc");
            span.setAttribute("rpc.service", log.serviceName());
            span.setAttribute("rpc.method", log.name());
            if (code >= 0) {
                span.setAttribute("rpc.grpc.status_code", code);
            }
            if (code < 0 && httpStatus >= 500 || GRPC_SERVER_ERRORS.contains(code)) {
                span.setStatus(StatusCode.ERROR, code >= 0 ? "grpc-status " + code : "HTTP " + httpStatus);
                span.setAttribute("error.type", code >= 0 ? Integer.toString(code) : Integer.toString(httpStatus));
            }
            return;
        }
        span.updateName(log.requestHeaders().method() + " " + route);
        if (httpStatus >= 500) {
            span.setStatus(StatusCode.ERROR, "HTTP " + httpStatus);
            span.setAttribute("error.type", Integer.toString(httpStatus));
        }
    }
}
