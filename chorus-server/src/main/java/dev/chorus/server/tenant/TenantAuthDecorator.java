package dev.chorus.server.tenant;

import dev.chorus.service.ApiException;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;
import dev.chorus.server.internal.ApiErrors;
import dev.chorus.server.internal.GrpcErrors;
import dev.chorus.server.telemetry.RequestTelemetry;
import io.grpc.Metadata;
import io.grpc.Status;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Requires a tenant on every route but the open ones (health, readiness, metrics, the API description, the docs
 * and the playground's files) and the admin routes, which keep the admin key. The tenant goes on the request
 * context ({@link TenantGate#TENANT}). A refused gRPC call gets a gRPC status (UNAUTHENTICATED, PERMISSION_DENIED)
 * in a trailers-only response; every other request gets the OpenAI-shaped JSON error.
 */
public final class TenantAuthDecorator extends SimpleDecoratingHttpService {

    /** Exact paths open to everyone. */
    private static final List<String> OPEN = List.of("/", "/healthz", "/readyz", "/metrics", "/openapi.json");
    /** Path prefixes open to everyone, or guarded by something else (the admin key). */
    private static final List<String> OPEN_PREFIXES = List.of("/docs/", "/playground/", "/admin/");

    private final TenantGate gate;

    public TenantAuthDecorator(HttpService delegate, TenantGate gate) {
        super(delegate);
        this.gate = gate;
    }

    /** Tells whether a path needs no tenant. */
    static boolean open(String path) {
        return OPEN.contains(path) || path.equals("/docs") || OPEN_PREFIXES.stream().anyMatch(path::startsWith);
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (open(ctx.path())) {
            return unwrap().serve(ctx, req);
        }
        RequestTelemetry rt = ctx.attr(RequestTelemetry.KEY);
        try {
            Tenant t = gate.authenticate(ctx, req.headers());
            ctx.setAttr(TenantGate.TENANT, t);
            if (rt != null) {
                rt.span().setAttribute("chorus.tenant", t.id());
            }
        } catch (ApiException e) {
            if (rt != null) {
                rt.failed(e);
            }
            return isGrpc(req) ? grpcError(e) : ApiErrors.of(e).toResponse().toHttpResponse();
        }
        return unwrap().serve(ctx, req);
    }

    private static boolean isGrpc(HttpRequest req) {
        String type = req.headers().get("content-type");
        return type != null && type.startsWith("application/grpc");
    }

    /** Returns a trailers-only gRPC response carrying the refusal's status and message. */
    private static HttpResponse grpcError(ApiException e) {
        Metadata trailers = new Metadata();
        Status s = GrpcErrors.of(e, trailers);
        var h = ResponseHeaders.builder(HttpStatus.OK).contentType(com.linecorp.armeria.common.MediaType
                        .parse("application/grpc+proto"))
                .setInt("grpc-status", s.getCode().value())
                .set("grpc-message", URLEncoder.encode(s.getDescription(), StandardCharsets.UTF_8)
                        .replace("+", "%20"));
        for (String k : trailers.keys()) {
            String v = trailers.get(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER));
            if (v != null) {
                h.set(k, v);
            }
        }
        return HttpResponse.of(h.endOfStream(true).build());
    }
}
