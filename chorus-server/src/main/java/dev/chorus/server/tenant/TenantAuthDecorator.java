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
import java.util.Objects;
import java.util.function.Function;

/**
 * Requires a tenant on the routes it decorates: the server attaches it to the routes that need a key when it
 * registers them (speech, catalog, gRPC), and the open routes (health, readiness, metrics, the API description,
 * the docs, the playground) and the admin routes, which keep the admin key, never get it. The tenant goes on the
 * request context ({@link Tenant#of}). A refused gRPC call gets a gRPC status (UNAUTHENTICATED, PERMISSION_DENIED)
 * in a trailers-only response; every other request gets the OpenAI-shaped JSON error.
 */
public final class TenantAuthDecorator extends SimpleDecoratingHttpService {

    private final TenantGate gate;

    private TenantAuthDecorator(HttpService delegate, TenantGate gate) {
        super(delegate);
        this.gate = gate;
    }

    /** Returns a decorator that authenticates every request of the routes it is attached to against {@code gate}. */
    public static Function<? super HttpService, TenantAuthDecorator> newDecorator(TenantGate gate) {
        Objects.requireNonNull(gate, "gate");
        return delegate -> new TenantAuthDecorator(delegate, gate);
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
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
