package dev.chorus.server.internal;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;
import dev.chorus.service.ApiException;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Guards a route that takes a JSON body (or gRPC) against what a browser page of another site can send, and
 * against bodies it cannot read, before the body is read:
 * <ul>
 * <li>a {@code Content-Type} other than JSON or gRPC is refused (415): a cross-site form or a {@code text/plain}
 * fetch cannot send {@code application/json} without a CORS preflight. A request with no {@code Content-Type}
 * is taken as JSON (curl, scripts; browsers send an {@code Origin} with it, checked next);</li>
 * <li>an {@code Origin} other than the server's own or one in {@code server.cors.allowed-origins} is refused
 * (403): no page of another site drives this server through its visitors' browsers;</li>
 * <li>a {@code Content-Encoding} other than gzip or deflate is refused (415, with {@code Accept-Encoding}); those
 * two are decoded by the decorator inside this one, bounded by the request size limit after decoding.</li>
 * </ul>
 */
public final class JsonRequestGuard extends SimpleDecoratingHttpService {

    /** The request codings decoded (see {@code DecodingService}); {@code identity} means none. */
    public static final List<String> ENCODINGS = List.of("gzip", "deflate");

    private static final Set<String> ACCEPTED_ENCODINGS = Set.of("gzip", "x-gzip", "deflate", "identity");

    private final Set<String> allowedOrigins;

    private JsonRequestGuard(HttpService delegate, Set<String> allowedOrigins) {
        super(delegate);
        this.allowedOrigins = allowedOrigins;
    }

    /** Returns a decorator that lets through requests from the server's own origin and {@code allowedOrigins}. */
    public static Function<? super HttpService, JsonRequestGuard> newDecorator(List<String> allowedOrigins) {
        Set<String> origins = Set.copyOf(allowedOrigins);
        return delegate -> new JsonRequestGuard(delegate, origins);
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        RequestHeaders h = req.headers();
        if (h.method() != HttpMethod.GET && h.method() != HttpMethod.HEAD && h.method() != HttpMethod.OPTIONS) {
            ApiException refusal = refusal(ctx, h);
            if (refusal != null) {
                req.abort();
                return ApiErrors.of(refusal).toResponse().toHttpResponse();
            }
        }
        return unwrap().serve(ctx, req);
    }

    private ApiException refusal(ServiceRequestContext ctx, RequestHeaders h) {
        String route = h.method() + " " + ctx.path();
        String encoding = h.get(HttpHeaderNames.CONTENT_ENCODING);
        if (encoding != null && !ACCEPTED_ENCODINGS.contains(encoding.strip().toLowerCase(Locale.ROOT))) {
            return new ApiException(415, "unsupported_content_encoding", null, "content encoding: '"
                    + printable(encoding) + "' is not supported by " + route + " (expected: gzip, deflate or none)",
                    0, Map.of("accept-encoding", String.join(", ", ENCODINGS)));
        }
        MediaType type = h.contentType();
        String raw = h.get(HttpHeaderNames.CONTENT_TYPE);
        if (raw != null && (type == null || !(type.is(MediaType.JSON) || type.isJson() || isGrpc(type)))) {
            return new ApiException(415, "unsupported_media_type", null, "content type: '" + printable(raw)
                    + "' is not supported by " + route + " (expected: application/json; curl: -H 'Content-Type: "
                    + "application/json')", 0, Map.of("accept-post", "application/json"));
        }
        String origin = h.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !sameOrigin(origin, h.authority(), ctx.sessionProtocol().isTls())
                && !allowedOrigins.contains(origin.strip().toLowerCase(Locale.ROOT))) {
            return new ApiException(403, "origin_not_allowed", null, "origin: '" + printable(origin)
                    + "' may not call " + route + " (expected: this server's own pages, or an origin listed in "
                    + "server.cors.allowed-origins)");
        }
        return null;
    }

    private static boolean isGrpc(MediaType type) {
        return type.type().equals("application") && type.subtype().startsWith("grpc");
    }

    /**
     * Tells whether {@code origin} is the origin the request was sent to: its host and port match the request's
     * {@code Host}. The scheme is not compared, so a server behind a proxy that ends TLS still knows its own pages.
     */
    static boolean sameOrigin(String origin, String authority, boolean tls) {
        if (authority == null || origin.equals("null")) {
            return false;
        }
        try {
            URI o = URI.create(origin.strip());
            URI self = URI.create((tls ? "https" : "http") + "://" + authority);
            if (o.getHost() == null || self.getHost() == null || o.getRawPath() != null && !o.getRawPath().isEmpty()) {
                return false;
            }
            int oPort = o.getPort() != -1 ? o.getPort() : "https".equalsIgnoreCase(o.getScheme()) ? 443 : 80;
            int sPort = self.getPort() != -1 ? self.getPort() : o.getPort() == -1 ? oPort : tls ? 443 : 80;
            return o.getHost().equalsIgnoreCase(self.getHost()) && oPort == sPort;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Returns a header value fit to quote in a message: printable ASCII, at most 100 characters. */
    private static String printable(String value) {
        String s = value.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() > 100 ? s.substring(0, 97) + "..." : s;
    }
}
