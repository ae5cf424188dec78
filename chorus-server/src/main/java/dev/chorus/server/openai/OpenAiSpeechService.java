package dev.chorus.server.openai;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
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

/**
 * {@code POST /v1/audio/speech}, OpenAI's speech route: an adapter from its JSON body to the speech pipeline,
 * streaming the audio (or SSE events, or speech marks) as each sentence is made. Runs on the blocking task
 * executor because admission may wait for an engine slot and a voice may load on first use; the synthesis
 * itself runs on the engines' own threads.
 */
public final class OpenAiSpeechService {

    /** Extra time Armeria allows beyond the synthesis deadline, so the deadline's own 504 wins the race. */
    private static final Duration TIMEOUT_MARGIN = Duration.ofSeconds(10);

    private final SpeechService speech;
    private final ServerConfig config;

    public OpenAiSpeechService(SpeechService speech, ServerConfig config) {
        this.speech = speech;
        this.config = config;
    }

    /** Speaks {@code input} with {@code voice}; see docs/api.md for every field. */
    @Post("/v1/audio/speech")
    @Blocking
    @Description(value = SpeechRequestDoc.MARKDOWN, markup = Markup.MARKDOWN)
    public HttpResponse speech(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        RequestTelemetry telemetry = RequestTelemetry.of(ctx);
        try {
            SpeechRequest r = SpeechRequest.parse(request.content().array());
            telemetry.format(r.format());
            Caller caller = ServerCaller.of(ctx);
            PreparedSpeech prepared = speech.prepare(r.toInput(), caller);
            HttpAudioStream stream = r.marks() ? new SpeechMarksStream(ctx)
                    : r.sse() ? new SseAudioStream(ctx, r.timings()) : new RawAudioStream(ctx, r.format());
            stream.quality(r.quality()).maxUnreadBytes(config.maxUnreadBytes()).backpressure(config.streamBufferBytes(), config.stallTimeout());
            ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, config.requestTimeout().plus(TIMEOUT_MARGIN));
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
