package dev.chorus.cluster.gateway;

import dev.chorus.cluster.internal.WireFormat;
import dev.chorus.cluster.internal.WorkerErrors;
import dev.chorus.proto.cluster.v1.WorkEvent;
import dev.chorus.proto.cluster.v1.WorkRequest;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.VoiceInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * One request running on the cluster: a call to one worker at a time, resumed on another when that worker dies,
 * drains before taking it, or is ejected.
 *
 * <p>Design: the gateway counts what reached the listener: the pieces reported done, and of the piece in progress
 * its samples and timings. A resumed call asks the next worker for the plan from that piece on, minus what was
 * already delivered of it; workers build the same plan from the same request and engines are deterministic, so
 * the client hears every piece exactly once, in order, and the join is sample-exact. Events of one call arrive one
 * at a time; a new call starts only after the previous one ended, and all state is guarded by this object's lock.
 */
final class RemoteRun implements SynthesisHandle, WorkerCall, dev.chorus.cluster.WorkerPlaced {

    private static final System.Logger LOG = System.getLogger(RemoteRun.class.getName());

    private final RemoteSynthesis owner;
    private final WorkRequest request;
    private final VoiceInfo voice;
    private final SynthesisListener listener;
    private final SynthesisObserver observer;
    private final LongSupplier ticker;
    private final CompletableFuture<SynthesisSummary> completion = new CompletableFuture<>();
    private final Set<WorkerLink> tried = new HashSet<>();
    private final long startNanos;
    private long firstAudioNanos = -1;
    private boolean started;
    private int nextChunk;
    private long samplesInChunk;
    private int timingsInChunk;
    private long samples;
    private int sampleRate;
    private int chunks;
    private int attempts;
    private boolean cancelled;
    private boolean done;
    private WorkerLink link;
    private ClientCallStreamObserver<WorkRequest> call;
    /** Set when the current call is being abandoned for another worker, so its error is not final. */
    private boolean moving;

    RemoteRun(RemoteSynthesis owner, WorkRequest request, VoiceInfo voice, SynthesisListener listener,
              SynthesisObserver observer, LongSupplier ticker) {
        this.owner = owner;
        this.request = request;
        this.voice = voice;
        this.listener = listener;
        this.observer = observer;
        this.ticker = ticker;
        this.startNanos = ticker.getAsLong();
    }

    /** Sends the request (or its rest) to {@code worker}. */
    synchronized void attempt(WorkerLink worker) {
        attempts++;
        tried.add(worker);
        link = worker;
        moving = false;
        worker.started(this);
        WorkRequest rest = request.toBuilder().setFirstChunk(nextChunk).setSkipSamples(samplesInChunk)
                .setSkipTimings(timingsInChunk).build();
        worker.stub().synthesize(rest, new Call(worker));
    }

    /** Abandons the call on {@code worker} (ejected) and resumes elsewhere. */
    @Override
    public void moveOff(WorkerLink worker) {
        ClientCallStreamObserver<WorkRequest> c;
        synchronized (this) {
            if (link != worker || done || call == null) {
                return;
            }
            moving = true;
            c = call;
        }
        c.cancel("worker ejected", null);
    }

    @Override
    public void cancel() {
        ClientCallStreamObserver<WorkRequest> c;
        synchronized (this) {
            if (done) {
                return;
            }
            cancelled = true;
            c = call;
        }
        if (c != null) {
            c.cancel("cancelled by the client", null);
        }
    }

    @Override
    public CompletableFuture<SynthesisSummary> completion() {
        return completion;
    }

    @Override
    public synchronized String workerAddress() {
        return link == null ? null : link.address();
    }

    private synchronized void onEvent(WorkerLink from, WorkEvent e) {
        if (done || from != link) {
            return;
        }
        try {
            switch (e.getEventCase()) {
                case WARNING -> {
                    if (!started) {
                        listener.onWarning(e.getWarning());
                    }
                }
                case STARTED -> {
                    if (!started) {
                        started = true;
                        sampleRate = e.getStarted().getSampleRate();
                        chunks = e.getStarted().getChunks();
                        VoiceInfo v = WireFormat.voice(e.getStarted().getVoice());
                        safely(() -> observer.planned(v, chunks, startNanos, ticker.getAsLong()));
                        listener.onStart(v, sampleRate, chunks);
                    }
                }
                case AUDIO -> {
                    short[] pcm = WireFormat.pcm(e.getAudio().getPcm());
                    if (firstAudioNanos < 0) {
                        firstAudioNanos = ticker.getAsLong();
                    }
                    samplesInChunk += pcm.length;
                    samples += pcm.length;
                    listener.onAudio(pcm, 0, pcm.length);
                }
                case TIMING -> {
                    timingsInChunk++;
                    listener.onTiming(WireFormat.timing(e.getTiming()));
                }
                case CHUNK_DONE -> {
                    nextChunk = e.getChunkDone().getIndex() + 1;
                    samplesInChunk = 0;
                    timingsInChunk = 0;
                    listener.onChunkDone(e.getChunkDone().getIndex(), e.getChunkDone().getChunks());
                }
                case COMPLETED -> {
                    from.callSucceeded();
                    var c = e.getCompleted();
                    long end = ticker.getAsLong();
                    finish(new SynthesisSummary(c.getVoice(), c.getSampleRate(), samples, c.getCharacters(),
                            c.getChunks(), Duration.ofNanos(Math.max(0, (firstAudioNanos < 0 ? end : firstAudioNanos)
                            - startNanos)), Duration.ofNanos(end - startNanos)), null);
                }
                case EVENT_NOT_SET -> {
                }
            }
        } catch (RuntimeException listenerFailed) {
            // The writer's way of saying its client went away: stop the worker too.
            cancelled = true;
            if (call != null) {
                call.cancel("the client went away", listenerFailed);
            }
            finish(null, new SynthesisCancelledException("cancelled: " + listenerFailed.getMessage()));
        }
    }

    private void onEnd(WorkerLink from, Status status, Metadata trailers) {
        WorkerLink next = null;
        synchronized (this) {
            from.ended(this);
            if (done || from != link) {
                return;
            }
            if (status.isOk()) {
                // Ended without a completion event: the worker went away between its last piece and the end.
                status = Status.UNAVAILABLE.withDescription("worker ended the stream early");
            }
            if (cancelled) {
                finish(null, new SynthesisCancelledException("cancelled"));
                return;
            }
            boolean transport = moving || status.getCode() == Status.Code.UNAVAILABLE
                    || status.getCode() == Status.Code.CANCELLED || status.getCode() == Status.Code.UNKNOWN;
            if (transport) {
                from.failed();
            }
            if (!moving && WorkerHealth.countsAsFailure(status)) {
                from.callFailed(status);
            }
            if ((moving || WorkerErrors.retryable(status)) && attempts < owner.maxAttempts()) {
                next = owner.choose(voice, !request.getVoiceVersion().isEmpty(), tried, from);
                if (next != null) {
                    LOG.log(System.Logger.Level.WARNING, "request moves from worker {0} to {1} at piece {2} (+{3} "
                            + "samples): {4}", from.address(), next.address(), nextChunk, samplesInChunk,
                            status.getCode() + (status.getDescription() == null ? "" : " " + status.getDescription()));
                    owner.metrics().retried(moving ? "ejected" : status.getCode().name().toLowerCase());
                }
            }
            if (next == null) {
                finish(null, WorkerErrors.fromStatus(status, trailers, request.getVoice()));
                return;
            }
        }
        attempt(next);
    }

    /** Ends the run once; the listener hears exactly one of complete or error. */
    private void finish(SynthesisSummary summary, ChorusException error) {
        if (done) {
            return;
        }
        done = true;
        if (link != null) {
            link.ended(this);
        }
        settle(listener, completion, summary, error);
    }

    /**
     * Ends a gateway run: tells {@code listener} the outcome (a listener's own failure is only logged), then
     * completes {@code completion} with it.
     */
    static void settle(SynthesisListener listener, CompletableFuture<SynthesisSummary> completion,
                       SynthesisSummary summary, ChorusException error) {
        if (error == null) {
            safely(() -> listener.onComplete(summary));
            completion.complete(summary);
        } else {
            safely(() -> listener.onError(error));
            completion.completeExceptionally(error);
        }
    }

    static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "listener failed", e);
        }
    }

    /** The observer of one call to one worker. */
    private final class Call implements ClientResponseObserver<WorkRequest, WorkEvent> {
        private final WorkerLink worker;
        private InboundFlow flow;

        Call(WorkerLink worker) {
            this.worker = worker;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WorkRequest> c) {
            flow = InboundFlow.start(listener, c);
            synchronized (RemoteRun.this) {
                call = c;
            }
        }

        @Override
        public void onNext(WorkEvent e) {
            onEvent(worker, e);
            flow.handled();
        }

        @Override
        public void onError(Throwable t) {
            onEnd(worker, Status.fromThrowable(t), Status.trailersFromThrowable(t));
        }

        @Override
        public void onCompleted() {
            onEnd(worker, Status.OK, null);
        }
    }
}
