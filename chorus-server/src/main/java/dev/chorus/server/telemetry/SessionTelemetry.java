package dev.chorus.server.telemetry;

import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.server.tenant.TenantGate;
import dev.chorus.service.SpeechTelemetry;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.VoiceInfo;
import io.micrometer.core.instrument.Counter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What one synthesis on a connection that is not an HTTP request (a Wyoming connection) records: the same meters
 * as {@link RequestTelemetry} (requests by route and outcome, durations, time to first audio, stage times, real-time
 * factor, characters, audio seconds, tenants' audio), a server span, and an access log line. Made with
 * {@link #start}, ended with {@link #finish()} once the client has the last event. Thread-safe.
 */
public final class SessionTelemetry implements SpeechTelemetry, SynthesisObserver {

    private static final System.Logger ACCESS = System.getLogger("dev.chorus.access");

    private final Telemetry telemetry;
    private final String route;
    private final String tenant;
    private final TenantGate gate;
    private final String requestId;
    private final Span span;
    private final long startNanos = System.nanoTime();
    private volatile VoiceInfo voice;
    private volatile String format = Telemetry.NONE;
    private volatile String outcome;
    private volatile boolean firstAudio;
    private volatile long encodeNanos;

    private SessionTelemetry(Telemetry telemetry, String route, String tenant, TenantGate gate, String requestId) {
        this.telemetry = telemetry;
        this.route = route;
        this.tenant = tenant == null ? Telemetry.ANONYMOUS : tenant;
        this.gate = tenant == null ? null : gate;
        this.requestId = requestId;
        this.span = telemetry.tracer().spanBuilder(route).setSpanKind(SpanKind.SERVER)
                .setAttribute("chorus.request_id", requestId).setAttribute("chorus.tenant", this.tenant)
                .startSpan();
    }

    /**
     * Starts recording one synthesis of {@code route} (such as {@code wyoming/synthesize}) for {@code tenant}
     * (null: none); {@code gate}, when not null, adds the audio to the tenant's usage.
     */
    public static SessionTelemetry start(Telemetry telemetry, String route, String tenant, TenantGate gate,
                                         String requestId) {
        return new SessionTelemetry(telemetry, route, tenant, gate, requestId);
    }

    /** Returns the request id, for the caller. */
    public String requestId() {
        return requestId;
    }

    @Override
    public void format(AudioEncoding encoding) {
        format = encoding.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void input(String text) {
        if (telemetry.config().logInput()) {
            ACCESS.log(System.Logger.Level.INFO, "input ({0} characters): {1}", text.length(), text);
        }
    }

    @Override
    public void resolved(VoiceInfo v) {
        if (voice == null) {
            voice = v;
            span.setAttribute("chorus.voice", v.id());
            span.setAttribute("chorus.engine", v.engine());
        }
    }

    @Override
    public SynthesisObserver observer(LongSupplier clock) {
        return this;
    }

    @Override
    public void planned(VoiceInfo v, int pieces, long start, long end) {
        voice = v;
        telemetry.stage("normalize", v.engine(), v.id()).record(end - start, TimeUnit.NANOSECONDS);
    }

    @Override
    public void chunk(int index, VoiceInfo v, int characters, long queuedNanos, long start, long end,
                      boolean completed) {
        telemetry.stage("queue", v.engine(), v.id()).record(start - queuedNanos, TimeUnit.NANOSECONDS);
        telemetry.stage("synthesize", v.engine(), v.id()).record(end - start, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void encoded(long nanos) {
        encodeNanos += nanos;
    }

    @Override
    public void firstAudio() {
        if (firstAudio) {
            return;
        }
        firstAudio = true;
        telemetry.timeToFirstAudio(route, voice(), engine(), format, tenant)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void completed(SynthesisSummary summary) {
        telemetry.stage("encode", engine(), voice()).record(encodeNanos, TimeUnit.NANOSECONDS);
        if (summary.samples() > 0) {
            telemetry.realTimeFactor(engine(), voice(), summary.realTimeFactor());
        }
        telemetry.characters(engine(), voice(), tenant).increment(summary.characters());
        telemetry.audioSeconds(engine(), voice(), tenant).increment(summary.audioSeconds());
        tenantAudio(summary.audioSeconds());
    }

    @Override
    public void served(SynthesisSummary summary) {
        tenantAudio(summary.audioSeconds());
    }

    @Override
    public void failed(Throwable error) {
        String o = RequestTelemetry.outcomeOf(error);
        if (outcome == null) {
            outcome = o;
        }
        if ("overloaded".equals(o)) {
            telemetry.rejections("overloaded", engine(), tenant).increment();
        }
        span.recordException(dev.chorus.server.internal.ApiErrors.unwrap(error));
    }

    /** Ends the recording: counts the request under its outcome, ends the span and writes the access line. */
    public void finish() {
        String o = outcome != null ? outcome : "ok";
        long nanos = System.nanoTime() - startNanos;
        telemetry.requests(route, voice(), engine(), format, o, tenant).increment();
        telemetry.requestTimer(route, voice(), engine(), format, o, tenant).record(nanos, TimeUnit.NANOSECONDS);
        span.setAttribute("chorus.outcome", o);
        if (!"ok".equals(o)) {
            span.setStatus(StatusCode.ERROR, o);
        }
        span.end();
        ACCESS.log(System.Logger.Level.INFO, "{0} {1} {2}ms (request {3}, tenant {4}, voice {5})", route.toUpperCase(
                java.util.Locale.ROOT), o, nanos / 1_000_000, requestId, tenant, voice());
    }

    private void tenantAudio(double seconds) {
        if (gate != null) {
            gate.addAudioSeconds(tenant, seconds);
            Counter.builder("chorus.tenant.audio.seconds").tag("tenant", tenant)
                    .description("Seconds of audio produced per tenant").register(telemetry.registry())
                    .increment(seconds);
        }
    }

    private String voice() {
        VoiceInfo v = voice;
        return v == null ? Telemetry.NONE : v.id();
    }

    private String engine() {
        VoiceInfo v = voice;
        return v == null ? Telemetry.NONE : v.engine();
    }
}
