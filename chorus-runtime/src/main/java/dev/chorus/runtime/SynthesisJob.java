package dev.chorus.runtime;

import dev.chorus.audio.Resampler;
import dev.chorus.text.TextChunk;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.DeadlineExceededException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.Voice;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * One request in progress: submits its chunks to the engine's pool a few at a time, and hands audio to the
 * listener in text order.
 *
 * <p>Design: every piece of audio an engine produces goes through {@link #piece}. If its chunk is the one being
 * delivered, the piece goes straight to the listener (so the first sentence streams while it is synthesized);
 * otherwise it is kept in that chunk's buffer until every earlier chunk is done. All delivery happens under this
 * object's monitor, so the listener sees one call at a time. Cancellation, failure and the deadline (a timer the
 * {@code Synthesizer} schedules, which calls {@link #expire}) set {@link #ended}, which every running sink reads
 * to tell its engine to stop.
 */
final class SynthesisJob implements SynthesisHandle {

    private static final System.Logger LOG = System.getLogger(SynthesisJob.class.getName());

    private final SynthesisScheduler scheduler;
    private final Voice voice;
    private final VoiceInfo info;
    private final SynthesisOptions options;
    private final List<TextChunk> chunks;
    private final SynthesisListener listener;
    private final Resampler resampler;
    private final int outRate;
    private final int lookahead;
    private final LongSupplier ticker;
    private final long startNanos;
    private final Duration timeout;
    private final long sequence;
    private final ChunkState[] states;
    private final CompletableFuture<SynthesisSummary> completion = new CompletableFuture<>();
    private final int characters;

    private volatile boolean ended;
    private int delivering;
    private int submitted;
    private long voiceSamplesBefore;
    private long outSamples;
    private long firstAudioNanos = -1;

    SynthesisJob(SynthesisScheduler scheduler, Voice voice, SynthesisOptions options, List<TextChunk> chunks,
                 SynthesisListener listener, int outRate, int lookahead, LongSupplier ticker, Duration timeout) {
        this.scheduler = scheduler;
        this.voice = voice;
        this.info = voice.info();
        this.options = options;
        this.chunks = List.copyOf(chunks);
        this.listener = listener;
        this.outRate = outRate;
        this.resampler = outRate == info.sampleRate() ? null : Resampler.create(info.sampleRate(), outRate);
        this.lookahead = lookahead;
        this.ticker = ticker;
        this.startNanos = ticker.getAsLong();
        this.timeout = timeout;
        this.sequence = scheduler.nextSequence();
        this.states = new ChunkState[this.chunks.size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = new ChunkState();
        }
        this.characters = this.chunks.stream().mapToInt(c -> c.text().length()).sum();
    }

    /** Starts the first chunks; the caller has already been admitted on the engine. */
    synchronized void start() {
        call(() -> listener.onStart(info, outRate, chunks.size()));
        submitMore();
    }

    @Override
    public void cancel() {
        fail(new SynthesisCancelledException("synthesis cancelled"));
    }

    /** Fails the job if it is still running; called by the deadline timer. */
    void expire() {
        fail(new DeadlineExceededException("synthesis did not finish within its deadline of "
                + timeout.toMillis() + " ms"));
    }

    @Override
    public CompletableFuture<SynthesisSummary> completion() {
        return completion;
    }

    private void submitMore() {
        while (!ended && submitted < chunks.size() && submitted < delivering + lookahead) {
            int index = submitted++;
            scheduler.execute(info.engine(), new SynthesisScheduler.ChunkTask(sequence, index) {
                @Override
                public void run() {
                    runChunk(index);
                }
            });
        }
    }

    private void runChunk(int index) {
        if (ended) {
            return;
        }
        AudioSink sink = new AudioSink() {
            @Override
            public Action onAudio(short[] samples, int offset, int length) {
                return piece(index, Arrays.copyOfRange(samples, offset, offset + length), null);
            }

            @Override
            public Action onEvent(SynthesisEvent event) {
                return piece(index, null, event);
            }
        };
        try {
            boolean complete = voice.synthesize(chunks.get(index).text(), options, sink);
            if (complete) {
                chunkDone(index);
            } else if (!ended) {
                fail(new SynthesisException("engine '" + info.engine() + "' stopped chunk " + index + " early"));
            }
        } catch (ChorusException e) {
            fail(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "engine " + info.engine() + " failed on chunk " + index, e);
            fail(new SynthesisException("engine '" + info.engine() + "' failed: " + e.getMessage(), e));
        }
    }

    private synchronized AudioSink.Action piece(int index, short[] audio, SynthesisEvent event) {
        if (ended) {
            return AudioSink.Action.STOP;
        }
        ChunkState s = states[index];
        if (index == delivering) {
            emit(index, audio, event);
        } else {
            s.pending.add(audio != null ? audio : event);
        }
        if (audio != null) {
            s.voiceSamples += audio.length;
        }
        return ended ? AudioSink.Action.STOP : AudioSink.Action.CONTINUE;
    }

    private synchronized void chunkDone(int index) {
        if (ended) {
            return;
        }
        states[index].complete = true;
        while (!ended && delivering < chunks.size() && states[delivering].complete) {
            int done = delivering;
            voiceSamplesBefore += states[done].voiceSamples;
            states[done].pending.clear();
            call(() -> listener.onChunkDone(done, chunks.size()));
            delivering++;
            if (delivering < chunks.size()) {
                for (Object item : states[delivering].pending) {
                    emit(delivering, item instanceof short[] a ? a : null,
                            item instanceof SynthesisEvent e ? e : null);
                }
                states[delivering].pending.clear();
            }
        }
        if (ended) {
            return;
        }
        if (delivering == chunks.size()) {
            finish();
        } else {
            submitMore();
        }
    }

    private void emit(int index, short[] audio, SynthesisEvent event) {
        if (audio != null) {
            short[] out = resampler == null ? audio : resampler.process(audio, 0, audio.length);
            deliverAudio(out);
        } else if (event != null) {
            SynthesisEvent shifted = shift(event, chunks.get(index).start(), voiceSamplesBefore);
            call(() -> listener.onEvent(shifted));
        }
    }

    private void deliverAudio(short[] out) {
        if (out.length == 0) {
            return;
        }
        if (firstAudioNanos < 0) {
            firstAudioNanos = ticker.getAsLong();
        }
        outSamples += out.length;
        call(() -> listener.onAudio(out, 0, out.length));
    }

    private SynthesisEvent shift(SynthesisEvent e, int textBase, long sampleBase) {
        return switch (e) {
            case SynthesisEvent.Word w -> new SynthesisEvent.Word(textBase + w.textOffset(), w.textLength(),
                    toOut(sampleBase + w.sampleOffset()));
            case SynthesisEvent.Sentence s -> new SynthesisEvent.Sentence(textBase + s.textOffset(),
                    toOut(sampleBase + s.sampleOffset()));
            case SynthesisEvent.Mark m -> new SynthesisEvent.Mark(m.name(), toOut(sampleBase + m.sampleOffset()));
        };
    }

    private long toOut(long voiceSample) {
        return Math.round(voiceSample * (double) outRate / info.sampleRate());
    }

    private void finish() {
        if (resampler != null) {
            deliverAudio(resampler.flush());
        }
        if (ended) {
            return;
        }
        ended = true;
        scheduler.release(info.engine());
        long now = ticker.getAsLong();
        SynthesisSummary summary = new SynthesisSummary(info.id(), outRate, outSamples, characters, chunks.size(),
                Duration.ofNanos(firstAudioNanos < 0 ? now - startNanos : firstAudioNanos - startNanos),
                Duration.ofNanos(now - startNanos));
        try {
            listener.onComplete(summary);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "listener failed in onComplete", e);
        }
        completion.complete(summary);
    }

    /** Ends the job with an error, once; later calls do nothing. */
    synchronized void fail(ChorusException error) {
        if (ended) {
            return;
        }
        ended = true;
        scheduler.release(info.engine());
        try {
            listener.onError(error);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "listener failed in onError", e);
        }
        completion.completeExceptionally(error);
    }

    /** Runs a listener callback; a callback that throws cancels the request. */
    private void call(Runnable callback) {
        if (ended) {
            return;
        }
        try {
            callback.run();
        } catch (RuntimeException e) {
            fail(new SynthesisCancelledException("consumer stopped the synthesis: " + e.getMessage()));
        }
    }

    private static final class ChunkState {
        final List<Object> pending = new ArrayList<>();
        long voiceSamples;
        boolean complete;
    }
}
