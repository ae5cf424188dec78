package dev.chorus.server.internal;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.server.telemetry.RequestTelemetry;
import dev.chorus.server.tenant.Tenant;
import dev.chorus.service.Caller;
import dev.chorus.service.SpeechTelemetry;
import dev.chorus.service.cache.AudioCache;

import java.util.Map;

/**
 * A request to this server as the speech pipeline sees it: its tenant (set by the authentication decorator), the
 * client's {@code Cache-Control}, its telemetry; metadata goes out as response headers (gRPC metadata alike), and
 * work that must end with the response ends when its log is complete.
 */
public final class ServerCaller implements Caller {

    private final ServiceRequestContext ctx;
    private final Tenant tenant;

    private ServerCaller(ServiceRequestContext ctx) {
        this.ctx = ctx;
        this.tenant = Tenant.of(ctx);
    }

    /** Returns the caller of {@code ctx}, or {@link Caller#ANONYMOUS} outside a request. */
    public static Caller of(ServiceRequestContext ctx) {
        return ctx == null ? Caller.ANONYMOUS : new ServerCaller(ctx);
    }

    @Override
    public String tenant() {
        return tenant == null ? null : tenant.id();
    }

    @Override
    public Map<String, String> contentPolicy() {
        return tenant == null ? Map.of() : tenant.contentPolicy();
    }

    @Override
    public dev.chorus.service.backcheck.BackcheckChoice backcheck() {
        return tenant == null ? null : tenant.backcheck();
    }

    @Override
    public int priority() {
        return tenant == null ? 0 : tenant.priority();
    }

    @Override
    public boolean noCache() {
        return AudioCache.bypassRequested(ctx.request().headers().get(HttpHeaderNames.CACHE_CONTROL));
    }

    @Override
    public String requestId() {
        return ctx.id().text();
    }

    @Override
    public SpeechTelemetry telemetry() {
        RequestTelemetry t = ctx.attr(RequestTelemetry.KEY);
        return t == null ? SpeechTelemetry.NONE : t;
    }

    @Override
    public void metadata(String name, String value) {
        ResponseHeaderSink.set(ctx, name, value);
    }

    @Override
    public void whenDone(Runnable action) {
        ctx.log().whenComplete().thenRun(action);
    }
}
