package dev.chorus.server.grpc;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.proto.tts.v1.AudioChunk;
import dev.chorus.proto.tts.v1.ListVoicesRequest;
import dev.chorus.proto.tts.v1.ListVoicesResponse;
import dev.chorus.proto.tts.v1.StreamEnd;
import dev.chorus.proto.tts.v1.StreamStart;
import dev.chorus.proto.tts.v1.StreamingSynthesizeResponse;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.SynthesizeResponse;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.Caller;
import dev.chorus.service.CompleteAudio;
import dev.chorus.service.PreparedSpeech;
import dev.chorus.service.SpeechService;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.runtime.Timing;
import dev.chorus.server.ServerConfig;
import dev.chorus.server.internal.AdmissionDoor;
import dev.chorus.server.internal.GrpcErrors;
import dev.chorus.server.internal.ServerCaller;
import dev.chorus.server.internal.SlowReaderException;
import dev.chorus.server.telemetry.RequestTelemetry;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * The gRPC service {@code chorus.tts.v1.TextToSpeech}: an adapter from its messages to the speech pipeline. Its
 * methods run on the blocking task executor (admission
 * may wait for a slot); audio is produced on the engines' threads and sent from there. A cancelled call cancels
 * its synthesis.
 */
public final class TextToSpeechService extends TextToSpeechGrpc.TextToSpeechImplBase {

    private final SpeechService speech;
    private final ServerConfig config;

    public TextToSpeechService(SpeechService speech, ServerConfig config) {
        this.speech = speech;
        this.config = config;
    }

    @Override
    public void synthesize(SynthesizeRequest request, StreamObserver<SynthesizeResponse> observer) {
        serve(request, observer, TextToSpeechGrpc.SERVICE_NAME + "/Synthesize", (r, c) -> new CompleteAudio(r.encoding()) {
            @Override
            protected void whole(byte[] audio, SynthesisSummary summary) {
                observer.onNext(SynthesizeResponse.newBuilder().setAudio(ProtoMapping.bytes(audio))
                        .setFormat(ProtoMapping.format(r.encoding())).setSampleRate(summary.sampleRate())
                        .setVoice(summary.voice()).setDurationSeconds(summary.audioSeconds()).build());
                observer.onCompleted();
            }

            @Override
            public void error(ChorusException error) {
                observer.onError(GrpcErrors.toStatus(error));
            }
        });
    }

    @Override
    public void streamingSynthesize(SynthesizeRequest request, StreamObserver<StreamingSynthesizeResponse> observer) {
        serve(request, observer, TextToSpeechGrpc.SERVICE_NAME + "/StreamingSynthesize",
                (r, c) -> new StreamOutput(observer, r.encoding(), request.getWordTimings(), config.maxUnreadBytes(),
                        config.stallTimeout(), c));
    }

    /** Prepares and serves one call through the speech pipeline into the output {@code output} makes for it. */
    private void serve(SynthesizeRequest request, StreamObserver<?> observer, String method,
                       BiFunction<SynthesisRequest, Cancellation, AudioOutput> output) {
        Cancellation cancellation = onCancel(observer);
        RequestTelemetry telemetry = telemetry(method);
        try {
            Caller caller = ServerCaller.of(ServiceRequestContext.currentOrNull());
            PreparedSpeech prepared = speech.prepare(ProtoMapping.toInput(request, timeout()), caller);
            cancellation.attach(speech.serve(prepared, caller, output.apply(prepared.request(), cancellation)));
        } catch (RuntimeException e) {
            if (telemetry != null) {
                telemetry.failed(e);
            }
            observer.onError(GrpcErrors.toStatus(e));
        } finally {
            AdmissionDoor.passed(ServiceRequestContext.currentOrNull());
        }
    }

    @Override
    public void listVoices(ListVoicesRequest request, StreamObserver<ListVoicesResponse> observer) {
        ListVoicesResponse.Builder b = ListVoicesResponse.newBuilder();
        Map<String, List<String>> aliasNames = speech.router().aliasesByVoice();
        for (VoiceInfo v : speech.router().voices(request.getLanguage(), request.getEngine())) {
            b.addVoices(ProtoMapping.voice(v, aliasNames.getOrDefault(v.id(), List.of())));
        }
        observer.onNext(b.build());
        observer.onCompleted();
    }

    /** Returns the synthesis deadline: the server's, or the client's gRPC deadline when that is sooner. */
    private Duration timeout() {
        Duration limit = config.requestTimeout();
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        if (ctx != null && ctx.requestTimeoutMillis() > 0) {
            Duration client = Duration.ofMillis(ctx.requestTimeoutMillis());
            return client.compareTo(limit) < 0 ? client : limit;
        }
        return limit;
    }

    private static Cancellation onCancel(StreamObserver<?> observer) {
        Cancellation c = new Cancellation();
        if (observer instanceof ServerCallStreamObserver<?> call) {
            call.setOnCancelHandler(c::cancel);
        }
        return c;
    }

    /**
     * Sends a synthesis as a stream: start, audio chunks and timing events in order, then end. It follows gRPC's
     * flow control: while the call is not ready (the client's window is full) the synthesis pauses after the
     * sentences already running, and resumes when the call is ready again; a client that stays not ready for the
     * stall timeout is cut (its synthesis cancelled, recorded as {@code stalled}). What is sent while not ready
     * is counted too, and past {@code maxUnreadBytes} the stream fails (RESOURCE_EXHAUSTED), a backstop for
     * sentences that were already running.
     */
    private static final class StreamOutput implements AudioOutput {
        private final StreamObserver<StreamingSynthesizeResponse> observer;
        private final AudioEncoding encoding;
        private final boolean wordTimings;
        private final long maxUnreadBytes;
        private final ServerCallStreamObserver<?> call;
        private final ServiceRequestContext ctx;
        private final Duration stallTimeout;
        private final Cancellation cancellation;
        /** Bytes sent since the call was last ready: what waits in gRPC's buffers for the client. */
        private final AtomicLong unread = new AtomicLong();
        /** The synthesis's resume while it waits for the call to be ready, else null. */
        private final AtomicReference<Runnable> waiting = new AtomicReference<>();
        private int rate;

        StreamOutput(StreamObserver<StreamingSynthesizeResponse> observer, AudioEncoding encoding,
                     boolean wordTimings, long maxUnreadBytes, Duration stallTimeout, Cancellation cancellation) {
            this.observer = observer;
            this.encoding = encoding;
            this.wordTimings = wordTimings;
            this.maxUnreadBytes = maxUnreadBytes;
            this.stallTimeout = stallTimeout;
            this.cancellation = cancellation;
            this.call = observer instanceof ServerCallStreamObserver<?> c ? c : null;
            this.ctx = ServiceRequestContext.currentOrNull();
            if (call != null) {
                call.setOnReadyHandler(() -> {
                    unread.set(0);
                    resumeIfReady();
                });
            }
        }

        @Override
        public boolean writable() {
            return call == null || call.isReady();
        }

        @Override
        public void whenWritable(Runnable resume) {
            waiting.set(resume);
            resumeIfReady();
            if (ctx != null && waiting.get() == resume) {
                ctx.eventLoop().schedule(() -> {
                    if (waiting.compareAndSet(resume, null)) {
                        RequestTelemetry t = ctx.attr(RequestTelemetry.KEY);
                        if (t != null) {
                            t.stalled();
                        }
                        cancellation.cancel();
                    }
                }, stallTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        private void resumeIfReady() {
            if (writable()) {
                Runnable r = waiting.getAndSet(null);
                if (r != null) {
                    r.run();
                }
            }
        }

        @Override
        public void start(VoiceInfo voice, int sampleRate) {
            rate = sampleRate;
            observer.onNext(StreamingSynthesizeResponse.newBuilder().setStart(StreamStart.newBuilder()
                    .setVoice(voice.id()).setFormat(ProtoMapping.format(encoding)).setSampleRate(sampleRate))
                    .build());
        }

        @Override
        public void audio(byte[] bytes, long firstSample) {
            if (call != null && !call.isReady() && unread.addAndGet(bytes.length) > maxUnreadBytes) {
                throw new SlowReaderException(maxUnreadBytes);
            }
            observer.onNext(StreamingSynthesizeResponse.newBuilder().setAudio(AudioChunk.newBuilder()
                    .setData(ProtoMapping.bytes(bytes)).setSampleOffset(firstSample)).build());
        }

        @Override
        public void event(Timing event) {
            if (event.kind() == Timing.Kind.WORD && !wordTimings) {
                return;
            }
            observer.onNext(StreamingSynthesizeResponse.newBuilder()
                    .setTiming(ProtoMapping.timing(event, rate)).build());
        }

        @Override
        public void complete(byte[] tail, SynthesisSummary summary) {
            if (tail.length > 0) {
                audio(tail, summary.samples());
            }
            observer.onNext(StreamingSynthesizeResponse.newBuilder().setEnd(StreamEnd.newBuilder()
                    .setSamples(summary.samples()).setDurationSeconds(summary.audioSeconds())
                    .setCharacters(summary.characters())
                    .setTimeToFirstAudioSeconds(summary.timeToFirstAudio().toNanos() / 1e9)).build());
            observer.onCompleted();
        }

        @Override
        public void error(ChorusException error) {
            observer.onError(GrpcErrors.toStatus(error));
        }
    }

    /** Returns the current request's telemetry, labelled with the gRPC method, or null outside a request. */
    private static RequestTelemetry telemetry(String method) {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        RequestTelemetry t = ctx == null ? null : ctx.attr(RequestTelemetry.KEY);
        if (t != null) {
            t.route(method);
        }
        return t;
    }
}
