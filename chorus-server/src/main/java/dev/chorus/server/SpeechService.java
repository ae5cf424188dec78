package dev.chorus.server;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Description;
import com.linecorp.armeria.server.annotation.Post;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.SynthesisRequest;

import java.time.Duration;

/**
 * {@code POST /v1/audio/speech}, OpenAI's speech route: streams the audio (or SSE events) as each sentence is
 * made. Runs on the blocking task executor because admission may wait for an engine slot and a voice may load
 * on first use; the synthesis itself runs on the engines' own threads.
 */
final class SpeechService {

    /** Extra time Armeria allows beyond the synthesis deadline, so the deadline's own 504 wins the race. */
    private static final Duration TIMEOUT_MARGIN = Duration.ofSeconds(10);

    private final Synthesizer synthesizer;
    private final VoiceCatalog catalog;
    private final ServerConfig config;
    private final ContentSafety safety;
    private final TenantGate tenants;
    private final AudioCache cache;

    SpeechService(Synthesizer synthesizer, VoiceCatalog catalog, ServerConfig config, ContentSafety safety,
                  TenantGate tenants, AudioCache cache) {
        this.synthesizer = synthesizer;
        this.catalog = catalog;
        this.config = config;
        this.safety = safety;
        this.tenants = tenants;
        this.cache = cache;
    }

    /** Speaks {@code input} with {@code voice}; see docs/api.md for every field. */
    @Post("/v1/audio/speech")
    @Blocking
    @Description("Speaks the input text or SSML (OpenAI-compatible): streams audio bytes, SSE events or speech marks.")
    public HttpResponse speech(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        RequestTelemetry telemetry = RequestTelemetry.of(ctx);
        try {
            SpeechRequest r = SpeechRequest.parse(request.contentUtf8(), config.maxInputChars());
            telemetry.format(r.format());
            telemetry.input(r.input());
            ContentSafety.Screening screening = safety.screen(ctx, r.input(), r.text().format());
            HttpAudioStream stream = r.marks() ? new SpeechMarksStream(ctx)
                    : r.sse() ? new SseAudioStream(ctx, r.timings()) : new RawAudioStream(ctx, r.format());
            stream.maxUnreadBytes(config.maxUnreadBytes());
            ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, config.requestTimeout().plus(TIMEOUT_MARGIN));
            boolean bypass = !r.cache() || AudioCache.bypassRequested(request.headers());
            SynthesisHandle handle = catalog.start(r.model(), r.voice(),
                    VoiceCatalog.routingLanguage(r.voice(), r.language(), r.input(), r.text().format()),
                    voice -> {
                        // Cache hits are charged like syntheses: the tenant asked for the audio either way.
                        if (tenants != null) {
                            tenants.admit(ctx, r.voice(), voice, r.input().length());
                        }
                        telemetry.resolved(voice);
                        SynthesisRequest sr = new SynthesisRequest(r.input(), voice.id(),
                                new SynthesisOptions(r.speed(), r.language(), r.pitch(), r.volume()), r.format(),
                                r.sampleRate(), config.requestTimeout(), r.text())
                                .withPriority(Tenant.priorityOf(ctx));
                        // Masked audio depends on the rules and policy of the moment: never stored or shared.
                        CacheServedOutput served = new CacheServedOutput(stream, telemetry);
                        return cache.serve(AudioCacheKey.of(sr, voice), bypass || screening.masks(), served,
                                AudioCache.header(ctx).andThen(served::answeredBy),
                                out -> synthesizer.start(sr, screening.wrap(
                                        new EncodingListener(r.format(), config.encoderOptions(), out, telemetry)),
                                        telemetry.observer(synthesizer::nanoTime), !bypass));
                    });
            cancelWhenClientLeaves(ctx, stream, handle);
            return stream.response();
        } catch (RuntimeException e) {
            telemetry.failed(e);
            return ApiErrors.of(e).toResponse().toHttpResponse();
        }
    }

    /** Stops the engine work when the client disconnects or the response is aborted, not only the socket. */
    static void cancelWhenClientLeaves(ServiceRequestContext ctx, HttpAudioStream stream, SynthesisHandle handle) {
        ctx.whenRequestCancelling().thenRun(handle::cancel);
        stream.response().whenComplete().whenComplete((ok, error) -> {
            if (error != null) {
                handle.cancel();
            }
        });
    }
}
