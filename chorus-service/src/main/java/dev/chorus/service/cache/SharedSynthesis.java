package dev.chorus.service.cache;

import dev.chorus.service.AudioOutput;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One synthesis that several identical requests share (single flight). It is the synthesis's {@link AudioOutput}:
 * it records every call and passes it on to each subscriber. A subscriber that joins late first gets the
 * recording so far, then follows live, so every subscriber sees the whole stream.
 *
 * <p>Design: one monitor guards the recording and the subscribers; every call but the last reaches the
 * subscribers under it, so a joiner can never miss or repeat a call (the last goes out after the end is recorded
 * and stored; later joiners get it in their replay). A subscriber whose output throws (its client went away) is
 * dropped; when the last one leaves, this output throws too, which cancels the synthesis (an {@link AudioOutput}
 * that throws cancels its synthesis). The handle is cancelled outside the monitor, since the synthesis calls in
 * here under its own. Once the recording outgrows the largest cacheable entry it is dropped and no one may join
 * any more (they start their own synthesis); what was sent stays sent.
 */
final class SharedSynthesis implements AudioOutput {

    private final long maxRecordedBytes;
    private final Consumer<SharedSynthesis> onEnd;
    private final List<CachedAudio.Call> calls = new ArrayList<>();
    private final List<AudioOutput> subscribers = new ArrayList<>();
    private final CompletableFuture<SynthesisSummary> completion = new CompletableFuture<>();
    private long bytes;
    private boolean joinable = true;
    private boolean joinedOnce;
    private boolean abandoned;
    private boolean ended;
    private boolean succeeded;
    private SynthesisHandle handle;
    /** The synthesis's resume while it waits for a subscriber to take more, else null. */
    private Runnable pendingResume;

    /**
     * @param maxRecordedBytes the most encoded bytes kept for late joiners (and the cache)
     * @param onEnd            called once when the synthesis has ended, outside the monitor, before the
     *                         subscribers get the final call
     */
    SharedSynthesis(long maxRecordedBytes, Consumer<SharedSynthesis> onEnd) {
        this.maxRecordedBytes = maxRecordedBytes;
        this.onEnd = onEnd;
    }

    /** Attaches the running synthesis; cancels it at once if every subscriber has already left. */
    void attach(SynthesisHandle h) {
        boolean cancel;
        synchronized (this) {
            handle = h;
            cancel = abandoned && !ended;
        }
        if (cancel) {
            h.cancel();
        }
    }

    /**
     * Adds a subscriber: replays what has been recorded, then passes on what comes. Returns a handle that
     * unsubscribes it, or {@code null} when this synthesis can no longer be joined (abandoned, or too large to keep
     * whole) and the caller must start its own.
     */
    SynthesisHandle join(AudioOutput out) {
        Runnable resume;
        synchronized (this) {
            if (abandoned || !joinable) {
                return null;
            }
            joinedOnce = true;
            try {
                for (CachedAudio.Call c : calls) {
                    c.sendTo(out);
                }
            } catch (RuntimeException clientGone) {
                return detached();
            }
            if (ended) {
                return detached();
            }
            subscribers.add(out);
            resume = pendingResume;
        }
        if (resume != null) {
            out.whenWritable(resume);
        }
        return new SynthesisHandle() {
            @Override
            public void cancel() {
                leave(out);
            }

            @Override
            public CompletableFuture<SynthesisSummary> completion() {
                return completion;
            }
        };
    }

    /** Returns the whole recording, or null when it was not kept whole. */
    synchronized CachedAudio recording() {
        return joinable && succeeded ? new CachedAudio(calls, bytes) : null;
    }

    /** Fails every subscriber with an error raised before the synthesis could start. */
    void failToStart(ChorusException error) {
        error(error);
    }

    @Override
    public void start(VoiceInfo voice, int sampleRate) {
        record(new CachedAudio.Call.Start(voice, sampleRate));
    }

    @Override
    public void warning(String warning) {
        record(new CachedAudio.Call.Warning(warning));
    }

    @Override
    public void audio(byte[] data, long firstSample) {
        record(new CachedAudio.Call.Audio(data, firstSample));
    }

    @Override
    public void event(Timing event) {
        record(new CachedAudio.Call.Event(event));
    }

    @Override
    public void complete(byte[] tail, SynthesisSummary summary) {
        end(new CachedAudio.Call.Complete(tail, summary), true);
        completion.complete(summary);
    }

    @Override
    public void error(ChorusException error) {
        end(new CachedAudio.Call.Error(error), false);
        completion.completeExceptionally(error);
    }

    private void record(CachedAudio.Call c) {
        synchronized (this) {
            if (ended) {
                return;
            }
            keep(c);
            dispatch(c);
            if (joinedOnce && subscribers.isEmpty()) {
                abandoned = true;
                throw new IllegalStateException("every client of the shared synthesis left");
            }
        }
    }

    private void end(CachedAudio.Call c, boolean ok) {
        List<AudioOutput> last;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            succeeded = ok;
            keep(c);
            last = List.copyOf(subscribers);
            subscribers.clear();
        }
        // Stored before the subscribers hear the end, so a client holding the whole response finds it cached. The
        // last call can go out of the monitor: whoever joins from now on gets it in the replay instead.
        onEnd.accept(this);
        for (AudioOutput s : last) {
            try {
                c.sendTo(s);
            } catch (RuntimeException clientGone) {
                // It had everything but the end; nothing is left to stop.
            }
        }
    }

    private void keep(CachedAudio.Call c) {
        if (!joinable) {
            return;
        }
        bytes += c.bytes();
        if (bytes > maxRecordedBytes) {
            joinable = false;
            calls.clear();
        } else {
            calls.add(c);
        }
    }

    private void dispatch(CachedAudio.Call c) {
        subscribers.removeIf(s -> {
            try {
                c.sendTo(s);
                return false;
            } catch (RuntimeException clientGone) {
                return true;
            }
        });
    }

    private void leave(AudioOutput out) {
        SynthesisHandle cancel = null;
        Runnable resume;
        synchronized (this) {
            if (subscribers.remove(out) && subscribers.isEmpty() && !ended) {
                abandoned = true;
                cancel = handle;
            }
            // The one who left may have been the one the synthesis waited for: let it look again.
            resume = pendingResume;
        }
        if (cancel != null) {
            cancel.cancel();
        } else if (resume != null) {
            resume.run();
        }
    }

    /** Writable while any subscriber can take more: the fastest client sets the pace, laggards fall behind. */
    @Override
    public synchronized boolean writable() {
        if (subscribers.isEmpty()) {
            return true;
        }
        for (AudioOutput s : subscribers) {
            if (s.writable()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Resumes when the first subscriber can take more, or when one leaves (the synthesis then asks again). A
     * subscriber that joins meanwhile is asked too.
     */
    @Override
    public void whenWritable(Runnable action) {
        Resume resume = new Resume(action);
        List<AudioOutput> ask;
        synchronized (this) {
            pendingResume = resume;
            ask = List.copyOf(subscribers);
        }
        if (ask.isEmpty()) {
            resume.run();
        }
        for (AudioOutput s : ask) {
            s.whenWritable(resume);
        }
    }

    /** A synthesis's resume, run once by whichever subscriber (or leaver) comes first. */
    private final class Resume implements Runnable {
        private final Runnable action;
        private final java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();

        Resume(Runnable action) {
            this.action = action;
        }

        @Override
        public void run() {
            if (ran.compareAndSet(false, true)) {
                synchronized (SharedSynthesis.this) {
                    if (pendingResume == this) {
                        pendingResume = null;
                    }
                }
                action.run();
            }
        }
    }

    private SynthesisHandle detached() {
        return new SynthesisHandle() {
            @Override
            public void cancel() {
            }

            @Override
            public CompletableFuture<SynthesisSummary> completion() {
                return completion;
            }
        };
    }
}
