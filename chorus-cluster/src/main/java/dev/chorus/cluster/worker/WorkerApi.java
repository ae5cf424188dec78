package dev.chorus.cluster.worker;

import dev.chorus.cluster.internal.WireFormat;
import dev.chorus.cluster.internal.WorkerErrors;
import dev.chorus.proto.cluster.v1.Audio;
import dev.chorus.proto.cluster.v1.ChunkDone;
import dev.chorus.proto.cluster.v1.Completed;
import dev.chorus.proto.cluster.v1.LoadReport;
import dev.chorus.proto.cluster.v1.ReportsRequest;
import dev.chorus.proto.cluster.v1.Started;
import dev.chorus.proto.cluster.v1.WorkEvent;
import dev.chorus.proto.cluster.v1.WorkRequest;
import dev.chorus.proto.cluster.v1.WorkerGrpc;
import dev.chorus.proto.cluster.v1.PieceEnd;
import dev.chorus.proto.cluster.v1.PieceStart;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.PieceListener;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.runtime.Timing;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker API over this process's {@link Synthesizer}: runs prepared requests for gateways and pushes load
 * reports.
 *
 * <p>Design: a request is rebuilt from the wire and parsed again by this worker's own parser (same limits, same
 * plan), so a resumed request has the same pieces as the first attempt. A resume names the first piece to send and
 * how much of it was already delivered; the worker still runs the whole plan (engines carry state from piece to
 * piece, such as the resampler) and drops what the gateway already has, which keeps the audio sample-exact. A
 * {@code pieces_only} request runs only its range of the plan and sends it at the voices' own rates with each
 * piece's description ({@link PieceForwarder}); the gateway joins and resamples the runs of several workers. While
 * draining it refuses new calls with UNAVAILABLE, so a gateway that has not yet seen the draining report runs the
 * request elsewhere.
 */
final class WorkerApi extends WorkerGrpc.WorkerImplBase {

    private static final System.Logger LOG = System.getLogger(WorkerApi.class.getName());

    private final Synthesizer synthesizer;
    private final LoadSampler sampler;
    private final ScheduledExecutorService timer;
    private final AtomicInteger active = new AtomicInteger();
    private final Tracer tracer;
    private volatile boolean draining;

    /** Reads the one header a work request carries, its {@code traceparent}. */
    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    WorkerApi(Synthesizer synthesizer, LoadSampler sampler, ScheduledExecutorService timer, Tracer tracer) {
        this.tracer = tracer;
        this.synthesizer = synthesizer;
        this.sampler = sampler;
        this.timer = timer;
    }

    /** Takes nothing new from now on; reports say so. */
    void drain() {
        draining = true;
        sampler.draining(true);
    }

    /** Returns the number of requests still running. */
    int active() {
        return active.get();
    }

    @Override
    public void synthesize(WorkRequest request, StreamObserver<WorkEvent> out) {
        ServerCallStreamObserver<WorkEvent> call = (ServerCallStreamObserver<WorkEvent>) out;
        if (draining) {
            out.onError(Status.UNAVAILABLE.withDescription("worker is draining").asRuntimeException());
            return;
        }
        Span span = span(request);
        SynthesisHandle handle;
        active.incrementAndGet();
        try {
            ParsedRequest parsed = synthesizer.parser().parse(WireFormat.request(request));
            if (!request.getVoiceVersion().isEmpty()) {
                VoiceInfo here = synthesizer.registry().resolve(request.getVoice());
                if (!here.version().equals(request.getVoiceVersion())) {
                    throw Status.FAILED_PRECONDITION.withDescription("voice " + request.getVoice() + "@"
                            + request.getVoiceVersion() + " is not on this worker (it has version "
                            + here.version() + ")").asRuntimeException();
                }
            }
            handle = request.getPiecesOnly()
                    ? synthesizer.startPieces(parsed, request.getPieceFrom(), request.getPieceTo(),
                            new PieceForwarder(call, request), sampler.observer(), request.getReuseSentences())
                    : synthesizer.start(parsed, new Forwarder(call, request), sampler.observer(),
                            request.getReuseSentences());
        } catch (io.grpc.StatusRuntimeException e) {
            active.decrementAndGet();
            end(span, e);
            out.onError(e);
            return;
        } catch (RuntimeException e) {
            active.decrementAndGet();
            sampler.failed();
            end(span, e);
            out.onError(WorkerErrors.toStatus(e));
            return;
        }
        call.setOnCancelHandler(handle::cancel);
        handle.completion().whenComplete((summary, failure) -> {
            active.decrementAndGet();
            if (failure == null) {
                sampler.completed(summary);
                span.setAttribute("chorus.audio_samples", summary.samples());
            } else {
                sampler.failed();
            }
            end(span, failure);
        });
    }

    /**
     * Starts the span of one work request: a child of the gateway's span its {@code traceparent} names (a root
     * span when it names none), with the voice and, for a run of pieces, the range.
     */
    private Span span(WorkRequest request) {
        Context parent = request.getTraceparent().isEmpty() ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), request.getTraceparent(),
                        TRACEPARENT);
        var b = tracer.spanBuilder("chorus.worker.synthesize").setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute("chorus.voice", request.getVoice());
        if (request.getPiecesOnly()) {
            b.setAttribute("chorus.piece_from", request.getPieceFrom()).setAttribute("chorus.piece_to",
                    request.getPieceTo());
        }
        return b.startSpan();
    }

    private static void end(Span span, Throwable failure) {
        if (failure != null) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : failure;
            span.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
        }
        span.end();
    }

    @Override
    public void reports(ReportsRequest request, StreamObserver<LoadReport> out) {
        ServerCallStreamObserver<LoadReport> call = (ServerCallStreamObserver<LoadReport>) out;
        long interval = Math.clamp(request.getIntervalMillis() <= 0 ? 200 : request.getIntervalMillis(), 50, 200);
        Object lock = new Object();
        ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
        task[0] = timer.scheduleAtFixedRate(() -> {
            synchronized (lock) {
                if (call.isCancelled()) {
                    task[0].cancel(false);
                    return;
                }
                try {
                    call.onNext(sampler.report());
                } catch (RuntimeException e) {
                    task[0].cancel(false);
                }
            }
        }, 0, interval, TimeUnit.MILLISECONDS);
        call.setOnCancelHandler(() -> task[0].cancel(false));
    }

    /** Sends a request's events to its gateway, leaving out what a resumed call already delivered. */
    private static class Forwarder implements SynthesisListener {
        private final ServerCallStreamObserver<WorkEvent> call;
        private final CallReadiness readiness;
        private final int firstChunk;
        private long skipSamples;
        private int skipTimings;
        /** The piece whose audio arrives now: one past the last piece reported done. */
        private int current;

        Forwarder(ServerCallStreamObserver<WorkEvent> call, WorkRequest request) {
            this.call = call;
            this.readiness = new CallReadiness(call);
            this.firstChunk = request.getFirstChunk();
            this.skipSamples = request.getSkipSamples();
            this.skipTimings = request.getSkipTimings();
        }

        void send(WorkEvent e) {
            if (call.isCancelled()) {
                // Thrown from a listener, this cancels the synthesis: the gateway is gone.
                throw new IllegalStateException("gateway cancelled the call");
            }
            readiness.sent();
            call.onNext(e);
        }

        @Override
        public boolean ready() {
            return readiness.ready();
        }

        @Override
        public void whenReady(Runnable resume) {
            readiness.whenReady(resume);
        }

        @Override
        public void onWarning(String warning) {
            send(WorkEvent.newBuilder().setWarning(warning).build());
        }

        @Override
        public void onStart(VoiceInfo voice, int sampleRate, int chunks) {
            send(WorkEvent.newBuilder().setStarted(Started.newBuilder().setVoice(WireFormat.voice(voice))
                    .setSampleRate(sampleRate).setChunks(chunks)).build());
        }

        @Override
        public void onAudio(short[] samples, int offset, int length) {
            if (current < firstChunk) {
                return;
            }
            if (current == firstChunk && skipSamples > 0) {
                int skip = (int) Math.min(skipSamples, length);
                skipSamples -= skip;
                offset += skip;
                length -= skip;
                if (length == 0) {
                    return;
                }
            }
            send(WorkEvent.newBuilder().setAudio(Audio.newBuilder()
                    .setPcm(WireFormat.pcm(samples, offset, length))).build());
        }

        @Override
        public void onTiming(Timing timing) {
            if (current < firstChunk) {
                return;
            }
            if (current == firstChunk && skipTimings > 0) {
                skipTimings--;
                return;
            }
            send(WorkEvent.newBuilder().setTiming(WireFormat.timing(timing)).build());
        }

        @Override
        public void onChunkDone(int index, int chunks) {
            current = index + 1;
            if (index >= firstChunk) {
                send(WorkEvent.newBuilder().setChunkDone(ChunkDone.newBuilder().setIndex(index).setChunks(chunks))
                        .build());
            }
        }

        @Override
        public void onComplete(SynthesisSummary s) {
            readiness.release();
            if (call.isCancelled()) {
                return;
            }
            call.onNext(WorkEvent.newBuilder().setCompleted(Completed.newBuilder().setVoice(s.voice())
                    .setSampleRate(s.sampleRate()).setSamples(s.samples()).setCharacters(s.characters())
                    .setChunks(s.chunks())).build());
            call.onCompleted();
        }

        @Override
        public void onError(ChorusException error) {
            readiness.release();
            if (!call.isCancelled()) {
                call.onError(WorkerErrors.toStatus(error));
            }
        }
    }

    /** Sends a run of a plan's pieces at the voices' own rates, with each piece's description. */
    private static final class PieceForwarder extends Forwarder implements PieceListener {

        PieceForwarder(ServerCallStreamObserver<WorkEvent> call, WorkRequest request) {
            super(call, request.toBuilder().clearFirstChunk().clearSkipSamples().clearSkipTimings().build());
        }

        @Override
        public void onPieceStart(int index, Kind kind, int voiceRate, long silenceMillis, Timing timing) {
            PieceStart.Builder b = PieceStart.newBuilder().setIndex(index).setKind(kind.name())
                    .setVoiceRate(voiceRate).setSilenceMillis(silenceMillis);
            if (timing != null) {
                b.setTiming(WireFormat.timing(timing));
            }
            send(WorkEvent.newBuilder().setPieceStart(b).build());
        }

        @Override
        public void onPieceEnd(int index, long voiceSamples, List<Timing> estimated, long[] before, long weight) {
            PieceEnd.Builder b = PieceEnd.newBuilder().setIndex(index).setVoiceSamples(voiceSamples)
                    .setWeight(weight);
            estimated.forEach(t -> b.addEstimated(WireFormat.timing(t)));
            for (long w : before) {
                b.addBefore(w);
            }
            send(WorkEvent.newBuilder().setPieceEnd(b).build());
        }
    }

    /** Returns how long to wait between checks while draining. */
    static Duration drainPoll() {
        return Duration.ofMillis(50);
    }
}
