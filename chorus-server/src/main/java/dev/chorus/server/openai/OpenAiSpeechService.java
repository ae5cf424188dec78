package dev.chorus.server.openai;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Description;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.docs.Markup;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.server.ServerConfig;
import dev.chorus.server.internal.AdmissionDoor;
import dev.chorus.server.internal.ApiErrors;
import dev.chorus.server.internal.ServerCaller;
import dev.chorus.server.telemetry.RequestTelemetry;
import dev.chorus.service.Caller;
import dev.chorus.service.PreparedSpeech;
import dev.chorus.service.SpeechService;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code POST /v1/audio/speech}, OpenAI's speech route: an adapter from its JSON body to the speech pipeline,
 * streaming the audio (or SSE events, or speech marks) as each sentence is made. A request that the audio cache's
 * memory tier answers, with nothing on the way that can block (see {@link SpeechService#serveFromMemory}), is
 * answered on the event loop it arrived on, through the same stages; every other request goes on to the blocking
 * task executor, because admission may wait for an engine slot, a voice may load on first use, and the disk tier
 * and a shared limit store do I/O. The synthesis itself runs on the engines' own threads.
 */
public final class OpenAiSpeechService {

    /** Extra time Armeria allows beyond the synthesis deadline, so the deadline's own 504 wins the race. */
    private static final Duration TIMEOUT_MARGIN = Duration.ofSeconds(10);

    /**
     * The largest body read on the event loop; a larger one (a long text or SSML document) is parsed on the
     * blocking executor, so an event loop never spends long on one request.
     */
    static final int MAX_EVENT_LOOP_BODY = 2 * 1024;

    private final SpeechService speech;
    private final ServerConfig config;

    public OpenAiSpeechService(SpeechService speech, ServerConfig config) {
        this.speech = speech;
        this.config = config;
    }

    /** Speaks {@code input} with {@code voice}; see docs/api.md for every field. */
    @Post("/v1/audio/speech")
    @Description(value = SpeechRequestDoc.MARKDOWN, markup = Markup.MARKDOWN)
    public HttpResponse speech(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        byte[] body = request.content().array();
        if (body.length > MAX_EVENT_LOOP_BODY) {
            return onBlockingExecutor(ctx, () -> speak(ctx, body, false));
        }
        return speak(ctx, body, true);
    }

    /**
     * Prepares the request and answers it from memory when it can; else serves it here, or, when
     * {@code mayHop}, on the blocking executor (with the request prepared already: it is not parsed again).
     */
    private HttpResponse speak(ServiceRequestContext ctx, byte[] body, boolean mayHop) {
        RequestTelemetry telemetry = RequestTelemetry.of(ctx);
        boolean hopped = false;
        try {
            SpeechRequest r = SpeechRequest.parse(body);
            telemetry.format(r.format());
            Caller caller = ServerCaller.of(ctx);
            PreparedSpeech prepared = speech.prepare(r.toInput(), caller);
            HttpAudioStream stream = r.marks() ? new SpeechMarksStream(ctx)
                    : r.sse() ? new SseAudioStream(ctx, r.timings()) : new RawAudioStream(ctx, r.format());
            stream.quality(r.quality()).maxUnreadBytes(config.maxUnreadBytes()).backpressure(config.streamBufferBytes(), config.stallTimeout());
            SynthesisHandle handle = speech.serveFromMemory(prepared, caller, stream);
            if (handle == null) { // A hit set its own timeout: the audio's length to drain it.
                ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, config.requestTimeout().plus(TIMEOUT_MARGIN));
            }
            if (handle == null && mayHop) {
                HttpResponse later = onBlockingExecutor(ctx, () -> serve(ctx, telemetry, prepared, caller, stream));
                hopped = true; // The door is passed there, once the pipeline admitted or refused the request.
                return later;
            }
            if (handle == null) {
                handle = speech.serve(prepared, caller, stream);
            }
            if (!stream.answeredWhole()) {
                cancelWhenClientLeaves(ctx, stream, handle);
            }
            return stream.response();
        } catch (RuntimeException e) {
            telemetry.failed(e);
            return ApiErrors.of(e).toResponse().toHttpResponse();
        } finally {
            if (!hopped) {
                AdmissionDoor.passed(ctx);
            }
        }
    }

    /** Serves a prepared request that may block (admission, a voice to load, the disk tier, a synthesis). */
    private HttpResponse serve(ServiceRequestContext ctx, RequestTelemetry telemetry, PreparedSpeech prepared,
                               Caller caller, HttpAudioStream stream) {
        try {
            SynthesisHandle handle = speech.serve(prepared, caller, stream);
            cancelWhenClientLeaves(ctx, stream, handle);
            return stream.response();
        } catch (RuntimeException e) {
            telemetry.failed(e);
            return ApiErrors.of(e).toResponse().toHttpResponse();
        } finally {
            AdmissionDoor.passed(ctx);
        }
    }

    /** Runs {@code work} on the request's blocking task executor (its context current there). */
    private static HttpResponse onBlockingExecutor(ServiceRequestContext ctx, Supplier<HttpResponse> work) {
        return HttpResponse.of(CompletableFuture.supplyAsync(work, ctx.blockingTaskExecutor()));
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
