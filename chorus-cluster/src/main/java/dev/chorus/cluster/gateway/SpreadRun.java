package dev.chorus.cluster.gateway;

import dev.chorus.cluster.internal.WireFormat;
import dev.chorus.cluster.internal.WorkerErrors;
import dev.chorus.proto.cluster.v1.PieceEnd;
import dev.chorus.proto.cluster.v1.PieceStart;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One long request spread over several workers: its plan cut into runs of a few pieces, each run synthesized on a
 * worker at the voices' own rates ({@code pieces_only}), a bounded number of runs in flight, joined in plan order
 * and resampled once here ({@link PieceJoiner}), so the client hears exactly what one process would make.
 *
 * <p>Design: the first run also tells the plan's length; further runs are dispatched while fewer than
 * {@code inFlight} are unfinished and the client takes audio (a stalled client stops new dispatches; a departed
 * one cancels them all). The run at the head streams straight to the client; later runs are buffered until their
 * turn (at most {@code inFlight} runs of {@code runPieces} pieces). Each run counts what of it reached the
 * client (pieces done, and of the piece in progress whether it started, its samples and timings); a run whose
 * worker fails is asked of another worker from its first piece not done, and what was already delivered of that
 * piece is dropped from the new call, so no piece is missing or repeated and the join stays sample-exact (engines
 * are deterministic per piece; resampling happens only here). All state is guarded by this object's lock.
 */
final class SpreadRun implements SynthesisHandle {

    /** How long a run that every worker refused as busy waits before it is asked again. */
    private static final Duration BUSY_WAIT = Duration.ofMillis(250);
    /** How many such waits one run may have (30 s in all) before the request fails as overloaded. */
    private static final int MAX_BUSY_WAITS = 120;

    private static final System.Logger LOG = System.getLogger(SpreadRun.class.getName());

    private final RemoteSynthesis owner;
    private final WorkRequest request;
    private final VoiceInfo voice;
    private final SynthesisListener listener;
    private final SynthesisObserver observer;
    private final LongSupplier ticker;
    private final int runPieces;
    private final int inFlight;
    private final java.util.concurrent.CompletableFuture<SynthesisSummary> completion =
            new java.util.concurrent.CompletableFuture<>();
    private final List<Segment> segments = new ArrayList<>();
    /** The client's readiness, shared by the calls of every run and the dispatch of further runs. */
    private final SharedReadiness readiness;
    private final long startNanos;
    private long firstAudioNanos = -1;
    private PieceJoiner joiner;
    private int total = -1;
    private int outRate;
    private int nextFrom;
    private int head;
    private int characters;
    private boolean started;
    private boolean done;
    private boolean cancelled;
    private boolean waitingForClient;

    SpreadRun(RemoteSynthesis owner, WorkRequest request, VoiceInfo voice, SynthesisListener listener,
              SynthesisObserver observer, LongSupplier ticker, int runPieces, int inFlight) {
        this.owner = owner;
        this.request = request;
        this.voice = voice;
        this.listener = listener;
        this.observer = observer;
        this.ticker = ticker;
        this.runPieces = runPieces;
        this.inFlight = inFlight;
        this.readiness = new SharedReadiness(listener);
        this.startNanos = ticker.getAsLong();
    }

    /** Sends the first run to {@code first}; the rest follow once it tells the plan's length. */
    void begin(WorkerLink first) {
        Segment s;
        synchronized (this) {
            s = new Segment(0, runPieces);
            segments.add(s);
            nextFrom = runPieces;
        }
        s.attempt(first);
    }

    @Override
    public void cancel() {
        List<Segment> open;
        synchronized (this) {
            if (done) {
                return;
            }
            cancelled = true;
            open = List.copyOf(segments);
        }
        open.forEach(s -> s.cancel("cancelled by the client"));
    }

    @Override
    public java.util.concurrent.CompletableFuture<SynthesisSummary> completion() {
        return completion;
    }

    /** Dispatches further runs while fewer than {@code inFlight} are unfinished and the client takes audio. */
    private void dispatchMore() {
        List<Segment> fresh = new ArrayList<>();
        List<WorkerLink> where = new ArrayList<>();
        synchronized (this) {
            if (done || cancelled || total < 0) {
                return;
            }
            while (nextFrom < total && unfinished() < inFlight) {
                boolean ready;
                try {
                    ready = readiness.ready();
                } catch (RuntimeException e) {
                    ready = true;
                }
                if (!ready) {
                    if (!waitingForClient) {
                        waitingForClient = true;
                        readiness.whenReady(() -> {
                            synchronized (SpreadRun.this) {
                                waitingForClient = false;
                            }
                            dispatchMore();
                        });
                    }
                    break;
                }
                Set<WorkerLink> busy = new HashSet<>();
                segments.stream().filter(s -> !s.complete && s.link != null).forEach(s -> busy.add(s.link));
                where.forEach(busy::add);
                WorkerLink w = owner.choose(voice, !request.getVoiceVersion().isEmpty(), busy, null);
                if (w == null) {
                    if (unfinished() == 0) {
                        finish(null, new dev.chorus.tts.OverloadedException("no worker can serve voice "
                                + voice.id() + " now; try again shortly", Duration.ofSeconds(2)));
                    }
                    break; // Nothing able now: the runs in flight go on; the next completion tries again.
                }
                Segment s = new Segment(nextFrom, Math.min(total, nextFrom + runPieces));
                nextFrom = s.to;
                segments.add(s);
                fresh.add(s);
                where.add(w);
            }
        }
        for (int i = 0; i < fresh.size(); i++) {
            fresh.get(i).attempt(where.get(i));
        }
    }

    private int unfinished() {
        int n = 0;
        for (int i = head; i < segments.size(); i++) {
            if (!segments.get(i).complete) {
                n++;
            }
        }
        return n;
    }

    /** Hands the head run's events to the joiner, then the buffered ones of the runs after it that are done. */
    private void drain() {
        while (!done && head < segments.size()) {
            Segment s = segments.get(head);
            while (!s.buffer.isEmpty() && !done) {
                s.deliver(s.buffer.removeFirst());
            }
            if (!s.complete || done) {
                return;
            }
            head++;
            if (head == segments.size() && total >= 0 && nextFrom >= total) {
                joiner.finish();
                long end = ticker.getAsLong();
                finish(new SynthesisSummary(voice.id(), outRate, joiner.samples(), characters, total,
                        Duration.ofNanos(Math.max(0, (firstAudioNanos < 0 ? end : firstAudioNanos) - startNanos)),
                        Duration.ofNanos(end - startNanos)), null);
                return;
            }
        }
    }

    /** Ends the run once; the listener hears exactly one of complete or error. */
    private void finish(SynthesisSummary summary, ChorusException error) {
        if (done) {
            return;
        }
        done = true;
        for (Segment s : segments) {
            if (s.link != null) {
                s.link.ended(s);
            }
            if (!s.complete && s.call != null) {
                s.call.cancel("the request ended", null);
            }
        }
        RemoteRun.settle(listener, completion, summary, error);
    }

    /** One run of pieces [from, to) and the worker call that makes it. */
    private final class Segment implements WorkerCall {
        final int from;
        final int to;
        final List<WorkEvent> buffer = new ArrayList<>();
        final Set<WorkerLink> tried = new HashSet<>();
        WorkerLink link;
        ClientCallStreamObserver<WorkRequest> call;
        boolean complete;
        boolean moving;
        int attempts;
        /** How many times every able worker refused this run as busy after the client had audio (see end). */
        int busyWaits;
        /** What reached the joiner: pieces before {@code nextPiece}, and of it the flags and counts below. */
        int nextPiece;
        boolean pieceStarted;
        long pieceSamples;
        int pieceTimings;
        boolean pieceEnded;
        /** What the current call repeats of {@code nextPiece}, dropped as it arrives. */
        boolean skipStart;
        long skipSamples;
        int skipTimings;
        boolean skipEnd;

        Segment(int from, int to) {
            this.from = from;
            this.to = to;
            this.nextPiece = from;
        }

        void attempt(WorkerLink worker) {
            WorkRequest run;
            synchronized (SpreadRun.this) {
                if (done) {
                    return;
                }
                attempts++;
                tried.add(worker);
                link = worker;
                moving = false;
                buffer.clear();
                skipStart = pieceStarted;
                skipSamples = pieceSamples;
                skipTimings = pieceTimings;
                skipEnd = pieceEnded;
                worker.started(this);
                owner.metrics().spread(worker.address());
                run = request.toBuilder().setPiecesOnly(true).setPieceFrom(nextPiece).setPieceTo(to).build();
            }
            worker.stub().synthesize(run, new Call(this, worker));
        }

        void cancel(String why) {
            ClientCallStreamObserver<WorkRequest> c;
            synchronized (SpreadRun.this) {
                c = call;
            }
            if (c != null) {
                c.cancel(why, null);
            }
        }

        @Override
        public void moveOff(WorkerLink worker) {
            ClientCallStreamObserver<WorkRequest> c;
            synchronized (SpreadRun.this) {
                if (link != worker || done || complete || call == null) {
                    return;
                }
                moving = true;
                c = call;
            }
            c.cancel("worker ejected", null);
        }

        /** Passes one event of this run to the joiner (it is the head), dropping what a resumed call repeats. */
        void deliver(WorkEvent e) {
            switch (e.getEventCase()) {
                case PIECE_START -> {
                    if (skipStart) {
                        skipStart = false;
                        return;
                    }
                    PieceStart p = e.getPieceStart();
                    joiner.start(p.getKind(), p.getVoiceRate(), p.getSilenceMillis(),
                            p.hasTiming() ? WireFormat.timing(p.getTiming()) : null);
                    pieceStarted = true;
                }
                case AUDIO -> {
                    short[] pcm = WireFormat.pcm(e.getAudio().getPcm());
                    int skip = (int) Math.min(skipSamples, pcm.length);
                    skipSamples -= skip;
                    if (skip == pcm.length) {
                        return;
                    }
                    short[] rest = skip == 0 ? pcm : java.util.Arrays.copyOfRange(pcm, skip, pcm.length);
                    if (firstAudioNanos < 0) {
                        firstAudioNanos = ticker.getAsLong();
                    }
                    pieceSamples += rest.length;
                    joiner.audio(rest);
                }
                case TIMING -> {
                    if (skipTimings > 0) {
                        skipTimings--;
                        return;
                    }
                    pieceTimings++;
                    joiner.timing(WireFormat.timing(e.getTiming()));
                }
                case PIECE_END -> {
                    if (skipEnd) {
                        skipEnd = false;
                        return;
                    }
                    PieceEnd p = e.getPieceEnd();
                    joiner.end(p.getVoiceSamples(), p.getEstimatedList().stream().map(WireFormat::timing).toList(),
                            p.getBeforeList(), p.getWeight());
                    pieceEnded = true;
                }
                case CHUNK_DONE -> {
                    int index = e.getChunkDone().getIndex();
                    nextPiece = index + 1;
                    pieceStarted = false;
                    pieceSamples = 0;
                    pieceTimings = 0;
                    pieceEnded = false;
                    skipStart = false;
                    skipSamples = 0;
                    skipTimings = 0;
                    skipEnd = false;
                    listener.onChunkDone(index, e.getChunkDone().getChunks());
                }
                default -> {
                }
            }
        }

        void onEvent(WorkerLink from, WorkEvent e) {
            boolean more = false;
            synchronized (SpreadRun.this) {
                if (done || from != link) {
                    return;
                }
                try {
                    switch (e.getEventCase()) {
                        case WARNING -> {
                            if (!started && this.from == 0) {
                                listener.onWarning(e.getWarning());
                            }
                        }
                        case STARTED -> {
                            if (!started) {
                                started = true;
                                outRate = e.getStarted().getSampleRate();
                                total = e.getStarted().getChunks();
                                joiner = new PieceJoiner(listener, outRate);
                                VoiceInfo v = WireFormat.voice(e.getStarted().getVoice());
                                RemoteRun.safely(() -> observer.planned(v, total, startNanos, ticker.getAsLong()));
                                listener.onStart(v, outRate, total);
                                more = true;
                            }
                        }
                        case COMPLETED -> {
                            from.callSucceeded();
                            complete = true;
                            characters += e.getCompleted().getCharacters();
                            from.ended(this);
                            drain();
                            more = true;
                        }
                        case EVENT_NOT_SET -> {
                        }
                        default -> {
                            if (segments.indexOf(this) == head && buffer.isEmpty()) {
                                deliver(e);
                            } else {
                                buffer.add(e);
                            }
                        }
                    }
                } catch (RuntimeException listenerFailed) {
                    // The writer's way of saying its client went away: stop every worker call of this request.
                    cancelled = true;
                    finish(null, new SynthesisCancelledException("cancelled: " + listenerFailed.getMessage()));
                    return;
                }
            }
            if (more) {
                dispatchMore();
            }
        }

        void onEnd(WorkerLink from, Status status, Metadata trailers) {
            more = false;
            try {
                end(from, status, trailers);
            } finally {
                if (more) {
                    dispatchMore();
                }
            }
        }

        /** Set by {@link #end} when a run finished without its completion event: dispatch the next ones. */
        private boolean more;

        private void end(WorkerLink from, Status status, Metadata trailers) {
            WorkerLink next = null;
            synchronized (SpreadRun.this) {
                from.ended(this);
                if (done || from != link || complete) {
                    return;
                }
                if (status.isOk()) {
                    status = Status.UNAVAILABLE.withDescription("worker ended the stream early");
                }
                if (cancelled) {
                    finish(null, new SynthesisCancelledException("cancelled"));
                    return;
                }
                if (nextPiece >= to) {
                    // Everything of it was delivered; only the completion was lost.
                    complete = true;
                    drain();
                    more = true;
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
                        LOG.log(System.Logger.Level.WARNING, "pieces {0}..{1} move from worker {2} to {3} at piece "
                                + "{4}: {5}", this.from, to - 1, from.address(), next.address(), nextPiece,
                                status.getCode() + (status.getDescription() == null ? ""
                                        : " " + status.getDescription()));
                        owner.metrics().retried(moving ? "ejected" : status.getCode().name().toLowerCase());
                    }
                }
                if (next == null && status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                        && (this.from > 0 || nextPiece > this.from) && busyWaits < MAX_BUSY_WAITS) {
                    // The client is being answered already, so refusing now would cut its audio: a run that every
                    // worker refuses as busy (their admission refuses rather than queues) waits and is asked again.
                    link = null;
                    tried.clear();
                    waitBusy();
                    return;
                }
                if (next == null) {
                    finish(null, WorkerErrors.fromStatus(status, trailers, request.getVoice()));
                    return;
                }
            }
            attempt(next);
        }

        /** Counts one more wait for a worker and asks again after it. */
        private void waitBusy() {
            busyWaits++;
            CompletableFuture.delayedExecutor(BUSY_WAIT.toMillis(), TimeUnit.MILLISECONDS).execute(this::askAgain);
        }

        /** Asks a worker again for a run that every worker refused as busy; see {@link #end}. */
        private void askAgain() {
            WorkerLink next;
            synchronized (SpreadRun.this) {
                if (done) {
                    return;
                }
                if (cancelled) {
                    finish(null, new SynthesisCancelledException("cancelled"));
                    return;
                }
                next = owner.choose(voice, !request.getVoiceVersion().isEmpty(), Set.of(), null);
                if (next == null) {
                    if (busyWaits < MAX_BUSY_WAITS) {
                        waitBusy();
                    } else {
                        finish(null, new dev.chorus.tts.OverloadedException("no worker can serve voice "
                                + voice.id() + " now; try again shortly", Duration.ofSeconds(2)));
                    }
                    return;
                }
                owner.metrics().retried("resource_exhausted");
            }
            attempt(next);
        }
    }

    /** The observer of one call of one run. */
    private final class Call implements ClientResponseObserver<WorkRequest, WorkEvent> {
        private final Segment segment;
        private final WorkerLink worker;
        private InboundFlow flow;

        Call(Segment segment, WorkerLink worker) {
            this.segment = segment;
            this.worker = worker;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WorkRequest> c) {
            flow = InboundFlow.start(readiness.asListener(), c);
            synchronized (SpreadRun.this) {
                segment.call = c;
            }
        }

        @Override
        public void onNext(WorkEvent e) {
            segment.onEvent(worker, e);
            flow.handled();
        }

        @Override
        public void onError(Throwable t) {
            segment.onEnd(worker, Status.fromThrowable(t), Status.trailersFromThrowable(t));
        }

        @Override
        public void onCompleted() {
            segment.onEnd(worker, Status.OK, null);
        }
    }
}
