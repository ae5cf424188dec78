package dev.chorus.server.telemetry;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.SynthesisScheduler;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.server.LogFormats;
import dev.chorus.server.ServerConfig;
import dev.chorus.server.internal.ResponseHeaderSink;
import dev.chorus.server.tenant.Tenant;
import dev.chorus.server.tenant.TenantGate;
import dev.chorus.server.tls.PeerIdentity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server's metrics, traces and access log. One instance per server: it owns the Prometheus registry that
 * {@code /metrics} exposes, the tracer, and the decorator that wraps every request in a server span, writes the
 * trace headers, counts the request and writes its access log line.
 */
public final class Telemetry {

    static final String TRACE_ID_HEADER = "x-chorus-trace-id";
    public static final String REQUEST_ID_HEADER = "x-chorus-request-id";
    /** The tenant label's value for a request without an authenticated tenant (an open server, or refused). */
    public static final String ANONYMOUS = "anonymous";
    /** A label value for a request that never got as far as a voice or a format. */
    static final String NONE = "none";

    private static final System.Logger ACCESS = System.getLogger("dev.chorus.access");

    /** Bucket bounds of request and stage latencies, in seconds. */
    private static final Duration[] LATENCY_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
            10, 30, 60, 120, 300);

    private static final TextMapGetter<RequestHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestHeaders carrier) {
            return carrier.names().stream().map(Object::toString).toList();
        }

        @Override
        public String get(RequestHeaders carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final ServerConfig config;
    private final PrometheusMeterRegistry prometheus;
    private final MeterRegistry registry;
    private final RealTimeFactorHistogram realTimeFactor;
    /** The per-request meters, by name and labels (bounded: routes, voices, formats, outcomes, tenants). */
    private final ConcurrentMap<Object, Meter> meters = new ConcurrentHashMap<>();
    private final Tracer tracer;
    /** The tracer made here when no OpenTelemetry was configured: its spans are not exported. */
    private final SdkTracerProvider ownTracerProvider;

    /** The name of a span nothing exports. */
    private static final String UNEXPORTED_SPAN = "chorus.request";
    private volatile TenantGate gate;

    public Telemetry(ServerConfig config) {
        this.config = config;
        if (config.metricsEnabled()) {
            this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            this.registry = prometheus;
            ExpositionRules.applyTo(prometheus);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            new FileDescriptorMetrics().bindTo(registry);
            new JvmGcMetrics().bindTo(registry);
        } else {
            this.prometheus = null;
            // A composite with no members hands out meters that record nothing.
            this.registry = new CompositeMeterRegistry();
        }
        this.realTimeFactor = RealTimeFactorHistogram.register(
                prometheus == null ? null : prometheus.getPrometheusRegistry());
        OpenTelemetry otel = config.openTelemetry();
        if (otel == null) {
            // Spans with no exporter: trace ids for logs and headers, and incoming trace contexts honoured.
            ownTracerProvider = SdkTracerProvider.builder().build();
            tracer = ownTracerProvider.get("dev.chorus.server");
        } else {
            ownTracerProvider = null;
            tracer = otel.getTracer("dev.chorus.server");
        }
    }

    /** Returns the Prometheus registry {@code /metrics} exposes, or null when metrics are off. */
    public PrometheusMeterRegistry prometheus() {
        return prometheus;
    }

    /** Returns the registry meters go to (one that records nothing when metrics are off). */
    public MeterRegistry registry() {
        return registry;
    }

    Tracer tracer() {
        return tracer;
    }

    ServerConfig config() {
        return config;
    }

    /** Returns the id of the tenant a request belongs to, or {@value #ANONYMOUS} when it has none. */
    static String tenant(ServiceRequestContext ctx) {
        Tenant t = Tenant.of(ctx);
        return t == null ? ANONYMOUS : t.id();
    }

    /**
     * Counts tenants' admissions and refusals: {@code chorus_tenant_requests_total} and
     * {@code chorus_tenant_characters_total} per tenant, and {@code chorus_rejections_total} with the reason; and
     * the shared limit store's breaker state and the requests admitted fail-open while it was away.
     */
    public void bindTenants(TenantGate gate) {
        this.gate = gate;
        Gauge.builder("chorus.tenant.limit.store.breaker", gate, TenantGate::limitStoreState)
                .description("Shared limit store's breaker: 0 closed, 1 half-open, 2 open").register(registry);
        FunctionCounter.builder("chorus.tenant.admitted.during.outage", gate,
                TenantGate::admittedDuringOutage).description("Requests admitted fail-open on local limits")
                .register(registry);
        Gauge.builder("chorus.tenant.streams.open", gate, TenantGate::openStreams)
                .description("Syntheses in progress for tenants (bounded by their concurrent-streams)").register(registry);
        gate.meters(new TenantGate.Meters() {
            @Override
            public void rejected(String reason, String tenant) {
                rejections(reason, NONE, tenant).increment();
            }

            @Override
            public void admitted(String tenant, long characters) {
                Counter.builder("chorus.tenant.requests").tag("tenant", tenant)
                        .description("Syntheses admitted per tenant").register(registry).increment();
                Counter.builder("chorus.tenant.characters").tag("tenant", tenant)
                        .description("Input characters charged per tenant").register(registry).increment(characters);
            }
        });
    }

    /** Adds a finished synthesis's audio to its tenant's usage. */
    void tenantAudio(ServiceRequestContext ctx, double seconds) {
        Tenant t = Tenant.of(ctx);
        TenantGate g = gate;
        if (t == null || g == null) {
            return;
        }
        g.addAudioSeconds(t.id(), seconds);
        Counter.builder("chorus.tenant.audio.seconds").tag("tenant", t.id())
                .description("Seconds of audio produced per tenant").register(registry).increment(seconds);
    }

    /** Adds the tenant label, unless tenant labels are off. */
    Tags withTenant(Tags tags, String tenant) {
        return config.tenantLabels() ? tags.and("tenant", tenant) : tags;
    }

    /** Registers the gauges over the engines' pools and the voice registry. */
    public void bindSynthesizer(Synthesizer synthesizer) {
        SynthesisScheduler s = synthesizer.scheduler();
        for (String engine : s.engines()) {
            Tags t = Tags.of("engine", engine);
            Gauge.builder("chorus.engine.queue.depth", s, x -> x.queued(engine)).tags(t)
                    .description("Chunks waiting for an engine worker").register(registry);
            Gauge.builder("chorus.engine.in.flight", s, x -> x.inFlight(engine)).tags(t)
                    .description("Chunks being synthesized now").register(registry);
            Gauge.builder("chorus.engine.workers", s, x -> x.workers(engine)).tags(t)
                    .description("Worker threads of the engine's pool").register(registry);
            Gauge.builder("chorus.engine.requests.pending", s, x -> x.pendingRequests(engine)).tags(t)
                    .description("Admitted, unfinished requests").register(registry);
            Gauge.builder("chorus.engine.requests.max", s, x -> x.maxPendingRequests(engine)).tags(t)
                    .description("Requests admitted at once before new ones are refused").register(registry);
            Gauge.builder("chorus.engine.predicted.wait", s, x -> x.predictedWait(engine).toNanos() / 1e9).tags(t)
                    .baseUnit("seconds").description("Wait for a worker that admission predicts for a new request")
                    .register(registry);
            Gauge.builder("chorus.engine.char.time", s, x -> x.estimatedTimePerChar(engine).toNanos() / 1e9)
                    .tags(t).baseUnit("seconds")
                    .description("Moving estimate of worker time per character of text").register(registry);
        }
        EngineRegistry r = synthesizer.registry();
        FunctionCounter.builder("chorus.voice.loads", r, EngineRegistry::loads)
                .description("Voice loads that succeeded").register(registry);
        FunctionCounter.builder("chorus.voice.reloads", r, EngineRegistry::reloads)
                .description("Voice reloads asked for through the admin API").register(registry);
        Gauge.builder("chorus.voice.load.failures", r, x -> x.failures().size())
                .description("Voices whose last load failed").register(registry);
        Gauge.builder("chorus.voices.loaded", r, x -> x.loadedVoices().size())
                .description("Voices loaded now").register(registry);
    }

    /**
     * Returns the meter registered under {@code key}, registering it with {@code make} the first time: a
     * request's meters are looked up in one map instead of built and registered again per request.
     */
    @SuppressWarnings("unchecked")
    private <M extends Meter> M meter(Object key, Supplier<M> make) {
        Meter m = meters.get(key);
        return (M) (m != null ? m : meters.computeIfAbsent(key, k -> make.get()));
    }

    /**
     * A request meter's identity as plain strings: looking it up hashes a few strings (whose hashes are cached),
     * where {@link Tags#of} sorts and copies its tags on every call. {@code tenant} is {@code null} when tenant
     * labels are off.
     */
    private record RequestMeterKey(String meter, String route, String voice, String engine, String format,
                                   String outcome, String tenant) {
    }

    private RequestMeterKey key(String meter, String route, String voice, String engine, String format, String outcome,
                                String tenant) {
        return new RequestMeterKey(meter, route, voice, engine, format, outcome,
                config.tenantLabels() ? tenant : null);
    }

    /** Requests finished, by route, voice, engine, format and outcome (and tenant, with tenant labels). */
    Counter requests(String route, String voice, String engine, String format, String outcome, String tenant) {
        return meter(key("requests", route, voice, engine, format, outcome, tenant), () -> Counter
                .builder("chorus.requests").tags(withTenant(Tags.of("route", route, "voice", voice, "engine", engine,
                        "format", format, "outcome", outcome), tenant))
                .description("Requests finished, by route and outcome").register(registry));
    }

    /** Time from request to the end of the response, labelled as {@link #requests}. */
    Timer requestTimer(String route, String voice, String engine, String format, String outcome, String tenant) {
        return meter(key("request.duration", route, voice, engine, format, outcome, tenant), () -> newRequestTimer(
                withTenant(Tags.of("route", route, "voice", voice, "engine", engine, "format", format,
                        "outcome", outcome), tenant)));
    }

    /** Time from request to its first audio, by route, voice, engine and format (and tenant). */
    Timer timeToFirstAudio(String route, String voice, String engine, String format, String tenant) {
        return meter(key("time.to.first.audio", route, voice, engine, format, null, tenant), () -> newTimeToFirstAudio(
                withTenant(Tags.of("route", route, "voice", voice, "engine", engine, "format", format), tenant)));
    }

    /** Characters synthesized, by engine and voice (and tenant). */
    Counter characters(String engine, String voice, String tenant) {
        return meter(key("characters", null, voice, engine, null, null, tenant),
                () -> newCharacters(withTenant(Tags.of("engine", engine, "voice", voice), tenant)));
    }

    /** Seconds of audio produced, by engine and voice (and tenant). */
    Counter audioSeconds(String engine, String voice, String tenant) {
        return meter(key("audio.seconds", null, voice, engine, null, null, tenant),
                () -> newAudioSeconds(withTenant(Tags.of("engine", engine, "voice", voice), tenant)));
    }

    // The registrations below run inside meter()'s computeIfAbsent, so they must not look up meters themselves.

    private Timer newRequestTimer(Tags tags) {
        return Timer.builder("chorus.request.duration").tags(tags)
                .description("Time from request to the end of the response")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    private Timer newTimeToFirstAudio(Tags tags) {
        return Timer.builder("chorus.time.to.first.audio")
                .tags(tags).description("Time from request to the first audio handed to the client")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    Timer stage(String stage, String engine, String voice) {
        return meter(List.of("stage", stage, engine, voice), () -> Timer.builder("chorus.stage.duration")
                .tags("stage", stage, "engine", engine, "voice", voice)
                .description("Time spent per stage: normalize (per request), queue and synthesize (per chunk), "
                        + "encode (per request)")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
    }

    void realTimeFactor(String engine, String voice, double value) {
        realTimeFactor.record(engine, voice, value);
    }

    private Counter newCharacters(Tags tags) {
        return Counter.builder("chorus.characters").tags(tags)
                .description("Characters of text synthesized").register(registry);
    }

    private Counter newAudioSeconds(Tags tags) {
        return Counter.builder("chorus.audio.seconds").tags(tags)
                .description("Seconds of audio produced").register(registry);
    }

    Counter rejections(String reason, String engine, String tenant) {
        return Counter.builder("chorus.rejections").tags(withTenant(Tags.of("reason", reason, "engine", engine),
                tenant)).description("Requests refused before synthesis: overloaded engine, or a tenant's key, voice, "
                + "rate, quota or stream limit").register(registry);
    }

    /** Returns the decorator every request passes through. */
    public java.util.function.Function<? super HttpService, ? extends HttpService> decorator() {
        return delegate -> (HttpService) (ctx, req) -> serve(delegate, ctx, req);
    }

    private HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), req.headers(), HEADERS);
        String route = routeOf(ctx, null);
        Span span;
        if (SpanConventions.untraced(ctx.path())) {
            span = Span.getInvalid();
        } else if (ownTracerProvider != null) {
            // Nothing exports these spans: only their ids are used (headers, logs), so they carry no attributes.
            span = tracer.spanBuilder(UNEXPORTED_SPAN).setParent(parent).setSpanKind(SpanKind.SERVER).startSpan();
        } else {
            span = tracer.spanBuilder(req.method() + " " + route).setParent(parent).setSpanKind(SpanKind.SERVER)
                    .setAttribute("http.request.method", req.method().name())
                    .setAttribute("url.path", ctx.path())
                    .setAttribute("chorus.request_id", ctx.id().text())
                    .startSpan();
        }
        RequestTelemetry rt = new RequestTelemetry(this, ctx, span);
        ctx.setAttr(RequestTelemetry.KEY, rt);
        SpanContext sc = span.getSpanContext();
        if (sc.isValid()) {
            String parentHeader = "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-" + sc.getTraceFlags().asHex();
            ResponseHeaderSink.set(ctx, TRACE_ID_HEADER, sc.getTraceId());
            ResponseHeaderSink.set(ctx, "traceparent", parentHeader);
            ResponseHeaderSink.set(ctx, "traceresponse", parentHeader);
        }
        ResponseHeaderSink.set(ctx, REQUEST_ID_HEADER, ctx.id().text());
        ctx.log().whenComplete().thenAccept(log -> completed(rt, ctx, log));
        try (Scope ignored = span.makeCurrent()) {
            return delegate.serve(ctx, req);
        }
    }

    private void completed(RequestTelemetry rt, ServiceRequestContext ctx, RequestLog log) {
        String route = rt.routeOrNull() != null ? rt.routeOrNull() : routeOf(ctx, log);
        int status = log.responseHeaders().status().code();
        String outcome = rt.outcome() != null ? rt.outcome() : outcomeOf(log, status);
        long nanos = log.totalDurationNanos();
        String voice = rt.voice();
        String engine = rt.engine();
        String format = rt.format();
        String tenant = rt.tenant();
        requests(route, voice, engine, format, outcome, tenant).increment();
        requestTimer(route, voice, engine, format, outcome, tenant).record(nanos, TimeUnit.NANOSECONDS);
        Span span = rt.span();
        String peer = ctx.attr(PeerIdentity.SPIFFE_ID);
        if (ownTracerProvider == null) {
            span.setAttribute("http.response.status_code", status);
            span.setAttribute("chorus.outcome", outcome);
            span.setAttribute("http.route", route);
            SpanConventions.finish(span, log, route, status);
            if (peer != null) {
                span.setAttribute("chorus.peer.spiffe_id", peer);
            }
        }
        span.end();
        SpanContext sc = span.getSpanContext();
        LogFields fields = new LogFields(ctx.id().text(), sc.isValid() ? sc.getTraceId() : null,
                sc.isValid() ? sc.getSpanId() : null, rt.voiceOrNull(), rt.tenant());
        ACCESS.log(System.Logger.Level.INFO, LogFormats.ACCESS_MESSAGE, log.requestHeaders().method().name(),
                ctx.path(), Integer.toString(status), Long.toString(nanos / 1_000_000),
                Long.toString(log.responseLength()), fields.withAccess(
                        log.requestHeaders().method().name(), ctx.path(), status, nanos / 1_000_000,
                        log.responseLength(), outcome, peer));
    }

    /** Whether each service (by its configuration) is a gRPC service; asked once per service, not per request. */
    private final ConcurrentMap<com.linecorp.armeria.server.ServiceConfig, Boolean> grpcServices = new ConcurrentHashMap<>();

    /** Returns the bounded route label: the route's pattern, or the gRPC service and method. */
    private String routeOf(ServiceRequestContext ctx, RequestLog log) {
        if (grpcServices.computeIfAbsent(ctx.config(), c -> c.service().as(GrpcService.class) != null)) {
            if (log != null) {
                return log.serviceName() + "/" + log.name();
            }
            return "grpc";
        }
        return ctx.config().route().patternString();
    }

    /** Returns the outcome label from the HTTP status or, for gRPC, the grpc-status trailer. */
    static String outcomeOf(RequestLog log, int status) {
        String grpc = log.responseTrailers().get("grpc-status");
        if (grpc == null) {
            grpc = log.responseHeaders().get("grpc-status");
        }
        if (grpc != null) {
            return switch (grpc) {
                case "0" -> "ok";
                case "1" -> "cancelled";
                case "3", "9", "11" -> "invalid_request";
                case "4" -> "timeout";
                case "5" -> "not_found";
                case "8" -> "overloaded";
                case "14" -> "unavailable";
                case "7", "16" -> "unauthorized";
                default -> "error";
            };
        }
        return outcomeOf(status, null);
    }

    /** Returns the outcome label for an HTTP status and error code. */
    static String outcomeOf(int status, String code) {
        if (status < 400) {
            return "ok";
        }
        return switch (status) {
            case 499 -> "cancelled";
            case 504 -> "timeout";
            case 503 -> "overloaded".equals(code) ? "overloaded" : "unavailable";
            case 404 -> "not_found";
            case 401, 403 -> "unauthorized";
            case 429 -> "rate_limited";
            default -> status < 500 ? "invalid_request" : "error";
        };
    }

    /** Stops the tracer this object made itself. */
    public void close() {
        if (ownTracerProvider != null) {
            ownTracerProvider.close();
        }
    }

    private static Duration[] seconds(double... s) {
        Duration[] d = new Duration[s.length];
        for (int i = 0; i < s.length; i++) {
            d[i] = Duration.ofNanos((long) (s[i] * 1e9));
        }
        return d;
    }
}
