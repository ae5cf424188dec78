package dev.chorus.server.internal;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.server.telemetry.RequestTelemetry;
import dev.chorus.tts.OverloadedException;
import io.netty.util.AttributeKey;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Admission at the door: bounds how many synthesis requests wait at once between arriving and being admitted (or
 * refused) by their engine. One past the bound is refused on the event loop, in microseconds, with 503 and
 * {@code Retry-After} (gRPC: {@code RESOURCE_EXHAUSTED}), before it takes a blocking thread or a place in that
 * executor's queue; so under any overload the blocking pool holds at most the bound, and the engines' own
 * admission (which may wait for a slot) sees every request that got in promptly.
 *
 * <p>A request leaves the door when its route reports that the pipeline admitted or refused it
 * ({@link #passed}), or at the latest when its exchange ends.
 */
public final class AdmissionDoor {

    private static final AttributeKey<Pass> PASS = AttributeKey.valueOf(AdmissionDoor.class, "pass");

    private final int limit;
    private final AtomicInteger waiting = new AtomicInteger();

    /** Creates a door that lets at most {@code limit} requests wait for admission at once. */
    public AdmissionDoor(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
        }
        this.limit = limit;
    }

    /** Returns how many requests wait for admission now. */
    public int waiting() {
        return waiting.get();
    }

    /** Returns the decorator that guards a route with this door. */
    public Function<? super HttpService, ? extends HttpService> newDecorator() {
        DecoratingHttpServiceFunction f = this::serve;
        return s -> s.decorate(f);
    }

    /** Tells the door that the current request was admitted or refused: it no longer waits. Idempotent. */
    public static void passed(ServiceRequestContext ctx) {
        Pass p = ctx == null ? null : ctx.attr(PASS);
        if (p != null) {
            p.leave();
        }
    }

    private HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (waiting.incrementAndGet() > limit) {
            waiting.decrementAndGet();
            return refuse(ctx, req);
        }
        Pass pass = new Pass();
        ctx.setAttr(PASS, pass);
        HttpResponse response;
        try {
            response = delegate.serve(ctx, req);
        } catch (Throwable t) {
            pass.leave();
            throw t;
        }
        // A request answered at once (a memory hit, a refusal) has passed already; one still on its way passes at
        // the latest when it completes, whatever happens to it.
        if (!pass.left.get()) {
            ctx.log().whenComplete().thenRun(pass::leave);
        }
        return response;
    }

    private HttpResponse refuse(ServiceRequestContext ctx, HttpRequest req) {
        OverloadedException busy = new OverloadedException("the server is busy: " + limit
                + " requests already wait for an engine (limits.max-waiting-requests); retry shortly",
                Duration.ofSeconds(1));
        RequestTelemetry rt = ctx.attr(RequestTelemetry.KEY);
        if (rt != null) {
            rt.failed(busy);
        }
        MediaType type = req.contentType();
        if (type != null && type.is(MediaType.ANY_APPLICATION_TYPE) && type.subtype().startsWith("grpc")) {
            // A trailers-only gRPC answer, as the gRPC service itself refuses an overloaded call.
            return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK)
                    .contentType(type)
                    .set("grpc-status", "8")
                    .set("grpc-message", busy.getMessage().replace("%", "%25"))
                    .set("retry-after", "1")
                    .build());
        }
        return ApiErrors.of(busy).toResponse().toHttpResponse();
    }

    /** One request's place at the door, given back once. */
    private final class Pass {
        private final AtomicBoolean left = new AtomicBoolean();

        void leave() {
            if (left.compareAndSet(false, true)) {
                waiting.decrementAndGet();
            }
        }
    }
}
