package dev.chorus.server.telemetry;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.service.ApiException;
import dev.chorus.service.SpeechTelemetry;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.server.internal.ApiErrors;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.DeadlineExceededException;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.OverloadedException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import io.netty.util.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What one request records: its labels (voice, engine, format, tenant), its outcome, its stage timings and its
 * spans (normalize, synthesize and one per chunk under the server span). Safe to call from the request thread and
 * the engines' workers.
 */
public final class RequestTelemetry implements SynthesisObserver, SpeechTelemetry {

    public static final AttributeKey<RequestTelemetry> KEY = AttributeKey.valueOf(RequestTelemetry.class, "telemetry");

    /** Input text, when logged at all, goes with the access log, which serve turns on at INFO. */
    private static final System.Logger INPUT = System.getLogger("dev.chorus.access");

    private final Telemetry telemetry;
    private final ServiceRequestContext ctx;
    private final Span span;
    private final AtomicLong encodeNanos = new AtomicLong();
    private volatile VoiceInfo voice;
    private volatile String format = Telemetry.NONE;
    private volatile String outcome;
    private volatile Span synthesis;
    private volatile LongSupplier clock;
    private volatile boolean firstAudio;
    private volatile String route;

    RequestTelemetry(Telemetry telemetry, ServiceRequestContext ctx, Span span) {
        this.telemetry = telemetry;
        this.ctx = ctx;
        this.span = span;
    }

    /** Returns the request's telemetry, which the server's decorator attached to it. */
    public static RequestTelemetry of(ServiceRequestContext ctx) {
        RequestTelemetry rt = ctx.attr(KEY);
        if (rt == null) {
            throw new IllegalStateException("request without telemetry: " + ctx.path());
        }
        return rt;
    }

    public Span span() {
        return span;
    }

    /** Returns the request's tenant: read when asked, since authentication runs after this object is made. */
    String tenant() {
        return Telemetry.tenant(ctx);
    }

    /**
     * Names the voice a request resolved to before it is planned, so requests that never reach the planner (cache
     * hits, requests joining a synthesis in progress) are counted under their voice and engine too.
     */
    @Override
    public void resolved(VoiceInfo v) {
        if (voice == null) {
            voice = v;
            span.setAttribute("chorus.voice", v.id());
            span.setAttribute("chorus.engine", v.engine());
        }
    }

    String voice() {
        VoiceInfo v = voice;
        return v == null ? Telemetry.NONE : v.id();
    }

    String voiceOrNull() {
        VoiceInfo v = voice;
        return v == null ? null : v.id();
    }

    String engine() {
        VoiceInfo v = voice;
        return v == null ? Telemetry.NONE : v.engine();
    }

    String format() {
        return format;
    }

    String outcome() {
        return outcome;
    }

    /** Sets the route label, for services whose route pattern does not name the method (gRPC). */
    public void route(String r) {
        this.route = r;
    }

    /** Returns the route label. */
    String route() {
        String r = route;
        return r != null ? r : ctx.config().route().patternString();
    }

    String routeOrNull() {
        return route;
    }

    /** Sets the output format label. */
    @Override
    public void format(AudioEncoding encoding) {
        this.format = encoding.name().toLowerCase(java.util.Locale.ROOT);
        span.setAttribute("chorus.format", format);
    }

    /** Logs the request's input text when the server is configured to. */
    @Override
    public void input(String text) {
        if (telemetry.config().logInput()) {
            INPUT.log(System.Logger.Level.INFO, "input ({0} characters): {1}", text.length(), text);
        }
    }

    /** Gives the clock the synthesizer's observer times are read from. */
    @Override
    public SynthesisObserver observer(LongSupplier synthesizerClock) {
        this.clock = synthesizerClock;
        return this;
    }

    @Override
    public void planned(VoiceInfo v, int pieces, long startNanos, long endNanos) {
        this.voice = v;
        span.setAttribute("chorus.voice", v.id());
        span.setAttribute("chorus.engine", v.engine());
        span.setAttribute("chorus.tenant", tenant());
        telemetry.stage("normalize", v.engine(), v.id()).record(endNanos - startNanos, TimeUnit.NANOSECONDS);
        Context parent = Context.root().with(span);
        telemetry.tracer().spanBuilder("chorus.normalize").setParent(parent)
                .setStartTimestamp(epochNanos(startNanos), TimeUnit.NANOSECONDS)
                .setAttribute("chorus.pieces", pieces).startSpan()
                .end(epochNanos(endNanos), TimeUnit.NANOSECONDS);
        synthesis = telemetry.tracer().spanBuilder("chorus.synthesize").setParent(parent)
                .setStartTimestamp(epochNanos(endNanos), TimeUnit.NANOSECONDS)
                .setAttribute("chorus.voice", v.id()).setAttribute("chorus.engine", v.engine())
                .setAttribute("chorus.pieces", pieces).startSpan();
    }

    @Override
    public void chunk(int index, VoiceInfo v, int characters, long queuedNanos, long startNanos, long endNanos,
                      boolean completed) {
        telemetry.stage("queue", v.engine(), v.id()).record(startNanos - queuedNanos, TimeUnit.NANOSECONDS);
        telemetry.stage("synthesize", v.engine(), v.id()).record(endNanos - startNanos, TimeUnit.NANOSECONDS);
        Span parent = synthesis;
        Span chunk = telemetry.tracer().spanBuilder("chorus.chunk")
                .setParent(Context.root().with(parent != null ? parent : span))
                .setStartTimestamp(epochNanos(startNanos), TimeUnit.NANOSECONDS)
                .setAttribute("chorus.chunk.index", index)
                .setAttribute("chorus.chunk.characters", characters)
                .setAttribute("chorus.chunk.queue_ms", (startNanos - queuedNanos) / 1_000_000)
                .setAttribute("chorus.voice", v.id()).setAttribute("chorus.engine", v.engine())
                .startSpan();
        if (!completed) {
            chunk.setStatus(StatusCode.ERROR, "stopped");
        }
        chunk.end(epochNanos(endNanos), TimeUnit.NANOSECONDS);
    }

    /** Adds time spent encoding. */
    @Override
    public void encoded(long nanos) {
        encodeNanos.addAndGet(nanos);
    }

    /** The first audio is about to be handed to the client. */
    @Override
    public void firstAudio() {
        if (firstAudio) {
            return;
        }
        firstAudio = true;
        long since = System.nanoTime() - ctx.log().partial().requestStartTimeNanos();
        telemetry.timeToFirstAudio(route(), voice(), engine(), format, tenant()).record(since, TimeUnit.NANOSECONDS);
        span.addEvent("first audio");
    }

    /** The synthesis finished: records what it produced. */
    @Override
    public void completed(SynthesisSummary summary) {
        String e = engine();
        String v = voice();
        telemetry.stage("encode", e, v).record(encodeNanos.get(), TimeUnit.NANOSECONDS);
        if (summary.samples() > 0) {
            telemetry.realTimeFactor(e, v, summary.realTimeFactor());
        }
        String tenant = tenant();
        telemetry.characters(e, v, tenant).increment(summary.characters());
        telemetry.audioSeconds(e, v, tenant).increment(summary.audioSeconds());
        telemetry.tenantAudio(ctx, summary.audioSeconds());
        Span s = synthesis;
        if (s != null) {
            s.setAttribute("chorus.audio_seconds", summary.audioSeconds());
            s.setAttribute("chorus.characters", summary.characters());
            s.setAttribute("chorus.real_time_factor", summary.realTimeFactor());
            s.setAttribute("chorus.encode_ms", encodeNanos.get() / 1_000_000);
            s.end();
        }
    }

    /** The audio cache served the request (no synthesis of its own): records the audio it was served. */
    @Override
    public void served(SynthesisSummary summary) {
        telemetry.tenantAudio(ctx, summary.audioSeconds());
    }

    /**
     * The client stopped reading and was cut (its request's outcome is {@code stalled}, whatever error the cut
     * then raises).
     */
    public void stalled() {
        if (outcome == null) {
            outcome = "stalled";
        }
    }

    /** The request failed (before synthesis or during it). */
    @Override
    public void failed(Throwable error) {
        String o = outcomeOf(error);
        if (outcome == null) {
            outcome = o;
        }
        if ("overloaded".equals(o)) {
            telemetry.rejections("overloaded", engine(), tenant()).increment();
        }
        Span s = synthesis;
        if (s != null) {
            s.setStatus(StatusCode.ERROR, o);
            s.end();
        }
        span.recordException(ApiErrors.unwrap(error));
    }

    static String outcomeOf(Throwable t) {
        return switch (ApiErrors.unwrap(t)) {
            case ApiException a -> Telemetry.outcomeOf(a.status(), a.code());
            case OverloadedException e -> "overloaded";
            case InvalidInputException e -> "invalid_request";
            case VoiceNotFoundException e -> "not_found";
            case EngineUnavailableException e -> "unavailable";
            case DeadlineExceededException e -> "timeout";
            case SynthesisCancelledException e -> "cancelled";
            default -> "error";
        };
    }

    private long epochNanos(long synthesizerNanos) {
        LongSupplier c = clock;
        long now = c == null ? System.nanoTime() : c.getAsLong();
        Instant wall = Instant.now();
        return wall.getEpochSecond() * 1_000_000_000L + wall.getNano() - (now - synthesizerNanos);
    }
}
