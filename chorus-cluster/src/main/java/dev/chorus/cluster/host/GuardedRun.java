package dev.chorus.cluster.host;

import dev.chorus.cluster.WorkerPlaced;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.VoiceInfo;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One request in front of the engine hosts: its client's listener, what the client already has, and its current
 * attempt on a host.
 *
 * <p>Design: every attempt runs the whole request from its start on a host (engines carry state from sentence to
 * sentence, so the audio is sample-exact only that way) and the attempt drops what the client already has: the
 * pieces reported done, and of the piece in progress its samples and timings, exactly as the cluster's worker API
 * resumes a request. The client hears every piece once, in order. Events of one attempt arrive one at a time and
 * a new attempt starts only after the previous one ended; the delivered position is guarded by this object's lock.
 */
final class GuardedRun implements SynthesisHandle {

    final CrashGuard guard;
    final ParsedRequest request;
    final String hash;
    final String voice;
    final SynthesisListener listener;
    final SynthesisObserver observer;
    final boolean reuseSentences;
    final long startNanos;
    private final CompletableFuture<SynthesisSummary> completion = new CompletableFuture<>();
    private long firstAudioNanos = -1;
    private boolean started;
    private int nextChunk;
    private long samplesInChunk;
    private int timingsInChunk;
    private boolean done;
    /** Crashes or hangs of a host that cut this request. */
    int cuts;
    /** When the first cut happened (ticker nanos), or -1. */
    volatile long cutAt = -1;
    /** When the request was held back because suspects of a crash ran alone (ticker nanos). */
    volatile long heldAt;
    volatile boolean cancelled;
    volatile Attempt attempt;

    GuardedRun(CrashGuard guard, ParsedRequest request, String hash, String voice, SynthesisListener listener,
               SynthesisObserver observer, boolean reuseSentences, long startNanos) {
        this.guard = guard;
        this.request = request;
        this.hash = hash;
        this.voice = voice;
        this.listener = listener;
        this.observer = observer;
        this.reuseSentences = reuseSentences;
        this.startNanos = startNanos;
    }

    /** Returns a new attempt that sends the client only what it does not have yet. */
    synchronized Attempt next(boolean alone) {
        Attempt a = new Attempt(this, alone, nextChunk, samplesInChunk, timingsInChunk);
        attempt = a;
        return a;
    }

    /** Returns the piece the client hears now (for log lines). */
    synchronized int position() {
        return nextChunk;
    }

    @Override
    public void cancel() {
        cancelled = true;
        Attempt a = attempt;
        SynthesisHandle h = a == null ? null : a.handle;
        if (h != null) {
            h.cancel();
        } else {
            guard.cancelled(this);
        }
    }

    @Override
    public CompletableFuture<SynthesisSummary> completion() {
        return completion;
    }

    /** Ends the run once; the listener hears exactly one of complete or error. */
    void finish(SynthesisSummary summary, ChorusException error) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            if (summary != null && cuts > 0) {
                // The last attempt's summary counts from its own start; the client's request began earlier.
                long end = guard.nanoTime();
                summary = new SynthesisSummary(summary.voice(), summary.sampleRate(), summary.samples(),
                        summary.characters(), summary.chunks(), Duration.ofNanos(Math.max(0, (firstAudioNanos < 0
                        ? end : firstAudioNanos) - startNanos)), Duration.ofNanos(end - startNanos),
                        summary.quality());
            }
        }
        try {
            if (error == null) {
                listener.onComplete(summary);
            } else {
                listener.onError(error);
            }
        } finally {
            if (error == null) {
                completion.complete(summary);
            } else {
                completion.completeExceptionally(error);
            }
        }
    }

    synchronized boolean done() {
        return done;
    }

    /**
     * One call of the request on a host: forwards the events the client does not have yet, and tells the guard
     * how it ended.
     */
    static final class Attempt implements SynthesisListener {
        final GuardedRun run;
        /** Whether the attempt was started alone on the hosts (a suspect of a crash, re-run in isolation). */
        final boolean alone;
        private final int firstChunk;
        private long skipSamples;
        private int skipTimings;
        private int current;
        volatile SynthesisHandle handle;
        /** The host exit that cut this attempt, or null. */
        volatile HostExit crash;
        /** Whether the crash that cut it is this attempt's own: it ran alone on that host, or it hung. */
        volatile boolean identified;
        /** Set when the hang watch killed its host because this attempt stopped making progress. */
        volatile boolean hung;
        final CompletableFuture<HostExit> crashed = new CompletableFuture<>();
        volatile long progressNanos;
        volatile long launchedNanos;

        Attempt(GuardedRun run, boolean alone, int firstChunk, long skipSamples, int skipTimings) {
            this.run = run;
            this.alone = alone;
            this.firstChunk = firstChunk;
            this.skipSamples = skipSamples;
            this.skipTimings = skipTimings;
        }

        /** Returns the address of the host that runs the attempt, or null when unknown. */
        String address() {
            return handle instanceof WorkerPlaced p ? p.workerAddress() : null;
        }

        private void progress() {
            progressNanos = run.guard.nanoTime();
        }

        @Override
        public void onWarning(String warning) {
            synchronized (run) {
                if (run.started) {
                    return;
                }
            }
            run.listener.onWarning(warning);
        }

        @Override
        public void onStart(VoiceInfo voice, int sampleRate, int chunks) {
            progress();
            synchronized (run) {
                if (run.started) {
                    return;
                }
                run.started = true;
            }
            run.listener.onStart(voice, sampleRate, chunks);
        }

        @Override
        public void onAudio(short[] samples, int offset, int length) {
            progress();
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
            synchronized (run) {
                run.samplesInChunk += length;
                if (run.firstAudioNanos < 0) {
                    run.firstAudioNanos = run.guard.nanoTime();
                }
            }
            run.listener.onAudio(samples, offset, length);
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
            synchronized (run) {
                run.timingsInChunk++;
            }
            run.listener.onTiming(timing);
        }

        @Override
        public void onChunkDone(int index, int chunks) {
            progress();
            current = index + 1;
            if (index < firstChunk) {
                return;
            }
            synchronized (run) {
                run.nextChunk = index + 1;
                run.samplesInChunk = 0;
                run.timingsInChunk = 0;
            }
            run.listener.onChunkDone(index, chunks);
        }

        @Override
        public void onComplete(SynthesisSummary summary) {
            run.guard.attemptCompleted(this, summary);
        }

        @Override
        public void onError(ChorusException error) {
            run.guard.attemptFailed(this, run.cancelled ? new SynthesisCancelledException("cancelled") : error);
        }

        @Override
        public boolean ready() {
            return run.listener.ready();
        }

        @Override
        public void whenReady(Runnable resume) {
            run.listener.whenReady(resume);
        }
    }
}
