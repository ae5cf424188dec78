package dev.chorus.server.internal;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;

import java.util.Objects;
import java.util.function.Function;

/**
 * Adds the browser security headers to every response of a route that serves HTML pages (the playground, the
 * API docs): its Content-Security-Policy, no MIME sniffing, no referrer, and no framing by other sites.
 */
public final class SecurityHeaders extends SimpleDecoratingHttpService {

    private final String csp;

    private SecurityHeaders(HttpService delegate, String csp) {
        super(delegate);
        this.csp = csp;
    }

    /** Returns a decorator that sends {@code contentSecurityPolicy} (which must forbid framing) and the rest. */
    public static Function<? super HttpService, SecurityHeaders> newDecorator(String contentSecurityPolicy) {
        Objects.requireNonNull(contentSecurityPolicy, "contentSecurityPolicy");
        if (!contentSecurityPolicy.contains("frame-ancestors")) {
            throw new IllegalArgumentException("contentSecurityPolicy: '" + contentSecurityPolicy
                    + "' (expected: a frame-ancestors directive)");
        }
        return delegate -> new SecurityHeaders(delegate, contentSecurityPolicy);
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        ctx.mutateAdditionalResponseHeaders(h -> h
                .set("content-security-policy", csp)
                .set("x-content-type-options", "nosniff")
                .set("referrer-policy", "no-referrer")
                .set("x-frame-options", "DENY"));
        return unwrap().serve(ctx, req);
    }
}
