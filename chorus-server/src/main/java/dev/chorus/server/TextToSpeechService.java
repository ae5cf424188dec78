package dev.chorus.server;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.audio.WavFiles;
import dev.chorus.proto.tts.v1.AudioChunk;
import dev.chorus.proto.tts.v1.ListVoicesRequest;
import dev.chorus.proto.tts.v1.ListVoicesResponse;
import dev.chorus.proto.tts.v1.StreamEnd;
import dev.chorus.proto.tts.v1.StreamStart;
import dev.chorus.proto.tts.v1.StreamingSynthesizeResponse;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.SynthesizeResponse;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.TextOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.runtime.Timing;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Map;

/**
 * The gRPC service {@code chorus.tts.v1.TextToSpeech}. Its methods run on the blocking task executor (admission
 * may wait for a slot); audio is produced on the engines' threads and sent from there. A cancelled call cancels
 * its synthesis.
 */
final class TextToSpeechService extends TextToSpeechGrpc.TextToSpeechImplBase {

    private final Synthesizer synthesizer;
    private final VoiceCatalog catalog;
    private final ServerConfig config;
    private final ContentSafety safety;
    private final TenantGate tenants;
    private final AudioCache cache;

    TextToSpeechService(Synthesizer synthesizer, VoiceCatalog catalog, ServerConfig config, ContentSafety safety,
                        TenantGate tenants, AudioCache cache) {
        this.synthesizer = synthesizer;
        this.catalog = catalog;
        this.config = config;
        this.safety = safety;
        this.tenants = tenants;
        this.cache = cache;
    }

    /** Admits the call for its tenant (no-op on an open server), charging the input's characters. */
    private void admit(SynthesizeRequest request, VoiceInfo voice) {
        if (tenants != null) {
            tenants.admit(ServiceRequestContext.currentOrNull(), request.getVoice(), voice, input(request).length());
        }
    }

    @Override
    public void synthesize(SynthesizeRequest request, StreamObserver<SynthesizeResponse> observer) {
        Cancellation cancellation = onCancel(observer);
        RequestTelemetry telemetry = telemetry(TextToSpeechGrpc.SERVICE_NAME + "/Synthesize");
        try {
            ContentSafety.Screening screening = screen(request);
            cancellation.attach(catalog.start(null, request.getVoice(), routingLanguage(request), voice -> {
                admit(request, voice);
                SynthesisRequest r = ProtoMapping.toSynthesis(request, voice, config.maxInputChars(), timeout())
                        .withPriority(Tenant.priorityOf(ServiceRequestContext.currentOrNull()));
                ByteArrayOutputStream audio = new ByteArrayOutputStream();
                AudioOutput output = new AudioOutput() {
                    @Override
                    public void audio(byte[] bytes, long firstSample) {
                        audio.writeBytes(bytes);
                    }

                    @Override
                    public void complete(byte[] tail, SynthesisSummary summary) {
                        audio.writeBytes(tail);
                        byte[] all = audio.toByteArray();
                        if (r.encoding() == AudioEncoding.WAV && all.length >= 44) {
                            // The whole audio is known now, so the header can carry its real lengths.
                            System.arraycopy(WavFiles.header(summary.sampleRate(), summary.samples()), 0, all, 0, 44);
                        }
                        observer.onNext(SynthesizeResponse.newBuilder().setAudio(ProtoMapping.bytes(all))
                                .setFormat(ProtoMapping.format(r.encoding())).setSampleRate(summary.sampleRate())
                                .setVoice(summary.voice()).setDurationSeconds(summary.audioSeconds()).build());
                        observer.onCompleted();
                    }

                    @Override
                    public void error(ChorusException error) {
                        observer.onError(GrpcErrors.toStatus(error));
                    }
                };
                if (telemetry != null) {
                    telemetry.format(r.encoding());
                    telemetry.input(r.text());
                }
                return serve(request, r, voice, output, telemetry, screening);
            }));
        } catch (RuntimeException e) {
            if (telemetry != null) {
                telemetry.failed(e);
            }
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void streamingSynthesize(SynthesizeRequest request, StreamObserver<StreamingSynthesizeResponse> observer) {
        Cancellation cancellation = onCancel(observer);
        RequestTelemetry telemetry = telemetry(TextToSpeechGrpc.SERVICE_NAME + "/StreamingSynthesize");
        try {
            ContentSafety.Screening screening = screen(request);
            cancellation.attach(catalog.start(null, request.getVoice(), routingLanguage(request), voice -> {
                admit(request, voice);
                SynthesisRequest r = ProtoMapping.toSynthesis(request, voice, config.maxInputChars(), timeout())
                        .withPriority(Tenant.priorityOf(ServiceRequestContext.currentOrNull()));
                if (telemetry != null) {
                    telemetry.format(r.encoding());
                    telemetry.input(r.text());
                }
                return serve(request, r, voice, new StreamOutput(observer, r.encoding(), request.getWordTimings(),
                        config.maxUnreadBytes()), telemetry, screening);
            }));
        } catch (RuntimeException e) {
            if (telemetry != null) {
                telemetry.failed(e);
            }
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    /** Serves a request through the audio cache, starting a synthesis when it is neither cached nor in progress. */
    private SynthesisHandle serve(SynthesizeRequest request, SynthesisRequest r, VoiceInfo voice, AudioOutput output,
                                  RequestTelemetry telemetry, ContentSafety.Screening screening) {
        if (telemetry != null) {
            telemetry.resolved(voice);
        }
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        boolean bypass = request.getNoCache() || (ctx != null && AudioCache.bypassRequested(ctx.request().headers()));
        // Masked audio depends on the rules and policy of the moment: never stored or shared.
        CacheServedOutput served = new CacheServedOutput(output, telemetry);
        return cache.serve(AudioCacheKey.of(r, voice), bypass || screening.masks(), served,
                AudioCache.header(ctx).andThen(served::answeredBy),
                out -> synthesizer.start(r, screening.wrap(new EncodingListener(r.encoding(), config.encoderOptions(),
                        out, telemetry)), observer(telemetry), !bypass));
    }

    @Override
    public void listVoices(ListVoicesRequest request, StreamObserver<ListVoicesResponse> observer) {
        ListVoicesResponse.Builder b = ListVoicesResponse.newBuilder();
        Map<String, List<String>> aliasNames = catalog.aliasesByVoice();
        for (VoiceInfo v : catalog.voices(request.getLanguage(), request.getEngine())) {
            b.addVoices(ProtoMapping.voice(v, aliasNames.getOrDefault(v.id(), List.of())));
        }
        observer.onNext(b.build());
        observer.onCompleted();
    }

    /** Screens the request's text or SSML against the content rules; throws when the policy refuses it. */
    private ContentSafety.Screening screen(SynthesizeRequest request) {
        TextOptions.Format format = inputFormat(request);
        // A bad input_format is reported by the synthesis; screen the text as it is.
        return safety.screen(ServiceRequestContext.currentOrNull(), input(request),
                format == null ? TextOptions.Format.TEXT : format);
    }

    /** Returns the language that picks the voice: the request's, or the SSML document's when it names no voice. */
    private static String routingLanguage(SynthesizeRequest request) {
        TextOptions.Format format = inputFormat(request);
        if (format == null) {
            return request.getLanguage(); // The synthesis reports the bad value.
        }
        return VoiceCatalog.routingLanguage(request.getVoice(), request.getLanguage(), input(request), format);
    }

    /** Returns the request's SSML document, or its text when it has none. */
    private static String input(SynthesizeRequest request) {
        return request.getSsml().isEmpty() ? request.getText() : request.getSsml();
    }

    /** Returns how the input is to be read: SSML for the ssml field, else input_format; null when that is invalid. */
    private static TextOptions.Format inputFormat(SynthesizeRequest request) {
        if (!request.getSsml().isEmpty()) {
            return TextOptions.Format.SSML;
        }
        try {
            return request.getInputFormat().isBlank() ? TextOptions.Format.AUTO
                    : TextOptions.Format.parse(request.getInputFormat());
        } catch (RuntimeException invalid) {
            return null;
        }
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
     * Sends a synthesis as a stream: start, audio chunks and timing events in order, then end. gRPC buffers what
     * a slow client has not taken yet; the bytes sent while the call is not ready are counted, and past
     * {@code maxUnreadBytes} the stream fails (RESOURCE_EXHAUSTED) and its synthesis stops, so a reader that
     * stalls cannot grow the server's memory.
     */
    private static final class StreamOutput implements AudioOutput {
        private final StreamObserver<StreamingSynthesizeResponse> observer;
        private final AudioEncoding encoding;
        private final boolean wordTimings;
        private final long maxUnreadBytes;
        private final ServerCallStreamObserver<?> call;
        /** Bytes sent since the call was last ready: what waits in gRPC's buffers for the client. */
        private final AtomicLong unread = new AtomicLong();
        private int rate;

        StreamOutput(StreamObserver<StreamingSynthesizeResponse> observer, AudioEncoding encoding,
                     boolean wordTimings, long maxUnreadBytes) {
            this.observer = observer;
            this.encoding = encoding;
            this.wordTimings = wordTimings;
            this.maxUnreadBytes = maxUnreadBytes;
            this.call = observer instanceof ServerCallStreamObserver<?> c ? c : null;
            if (call != null) {
                call.setOnReadyHandler(() -> unread.set(0));
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

    private SynthesisObserver observer(RequestTelemetry telemetry) {
        return telemetry == null ? SynthesisObserver.NONE : telemetry.observer(synthesizer::nanoTime);
    }
}
