package dev.chorus.runtime;

import dev.chorus.audio.Resampler;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.DeadlineExceededException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.Voice;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request in progress: runs its plan's speech pieces on the engines' pools a few at a time, and hands audio
 * and timings to the listener in plan order.
 *
 * <p>Design: every piece of audio an engine produces goes through {@link #piece}. If its piece is the one being
 * delivered, the audio goes straight to the listener (so the first sentence streams while it is synthesized);
 * otherwise it is kept in that piece's buffer until every earlier piece is done. Silences and marks need no
 * engine: they are produced when delivery reaches them. All delivery happens under this object's monitor, so the
 * listener sees one call at a time. Cancellation, failure and the deadline (a timer the {@code Synthesizer}
 * schedules, which calls {@link #expire}) set {@link #ended}, which every running sink reads to tell its engine to
 * stop. Pitch and volume are applied on the worker thread, resampling to the output rate at delivery. A sentence
 * found in the {@link SentenceCache} never reaches an engine: its recorded output goes through {@link #piece} when
 * the piece would have been submitted, exactly as the engine's output did when it was recorded.
 */
final class SynthesisRun implements SynthesisHandle {

    private static final System.Logger LOG = System.getLogger(SynthesisRun.class.getName());

    /**
     * Where a paused run continues once its consumer can take more: never the thread that reports it (an event
     * loop), since continuing may replay and encode several cached sentences.
     */
    private static final java.util.concurrent.Executor RESUME = java.util.concurrent.Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("chorus-resume-", 0).factory());

    /**
     * What counts as one word when timings are estimated: one Han character, or a run of letters and digits that
     * may hold an apostrophe, period or hyphen between them ("don't", "e.g", "twenty-one"), never at its end.
     */
    private static final Pattern WORD = Pattern.compile(
            "\\p{IsHan}|[\\p{L}\\p{N}&&[^\\p{IsHan}]](?:[\\p{L}\\p{N}\\p{M}&&[^\\p{IsHan}]]|['’.-](?=[\\p{L}\\p{N}&&[^\\p{IsHan}]]))*");

    private final SynthesisScheduler scheduler;
    private final Admission admission;
    private final VoiceInfo primary;
    private final Map<String, VoiceLease> leases;
    private final List<Piece> pieces;
    private final SynthesisListener listener;
    private final SynthesisObserver observer;
    private final int outRate;
    private final int lookahead;
    private final LongSupplier ticker;
    private final long startNanos;
    private final Duration timeout;
    private final long sequence;
    private final PieceState[] states;
    private final SentenceCache sentences;
    private final CompletableFuture<SynthesisSummary> completion = new CompletableFuture<>();
    private final int characters;
    /** The run of the plan delivered: pieces [from, to). */
    private final int from;
    private final int to;
    /** Set for a run of pieces at the voices' own rates, for a caller that joins runs (see PieceListener). */
    private final PieceListener raw;

    private volatile boolean ended;
    /** Set while the listener can take no more and a resume is pending; guarded by this object's monitor. */
    private boolean paused;
    private int delivering;
    private int submitted;
    /** Pieces that reached a worker while paused and wait for the client to read; guarded by the monitor. */
    private final List<Integer> deferred = new java.util.ArrayList<>();
    private long plannedOut;
    /**
     * The run of speech the plan clock is in: pieces at one voice rate with no silence between them, which the
     * resampler converts as one stream ({@code ceil(in * outRate / runRate)} samples in all). 0: no run.
     */
    private int runRate;
    private long runVoiceSamples;
    private long runStartOut;
    private long outSamples;
    private long firstAudioNanos = -1;
    private Resampler resampler;
    private int resamplerRate;

    /**
     * @param leases    the voices the plan's speech pieces use, by id, each leased from the registry for this run,
     *                  which closes the leases when it ends
     * @param sentences where finished sentences are kept and looked up, or {@code null}
     */
    SynthesisRun(SynthesisScheduler scheduler, Admission admission, VoiceInfo primary,
                 Map<String, VoiceLease> leases, List<Piece> pieces, SynthesisListener listener,
                 SynthesisObserver observer, int outRate, int lookahead, LongSupplier ticker, Duration timeout,
                 SentenceCache sentences) {
        this(scheduler, admission, primary, leases, pieces, listener, observer, outRate, lookahead, ticker, timeout,
                sentences, 0, pieces.size());
    }

    /**
     * A run of pieces [{@code from}, {@code to}) only; with a {@link PieceListener}, at the voices' own rates.
     */
    SynthesisRun(SynthesisScheduler scheduler, Admission admission, VoiceInfo primary,
                 Map<String, VoiceLease> leases, List<Piece> pieces, SynthesisListener listener,
                 SynthesisObserver observer, int outRate, int lookahead, LongSupplier ticker, Duration timeout,
                 SentenceCache sentences, int from, int to) {
        this.from = from;
        this.to = to;
        this.raw = listener instanceof PieceListener p ? p : null;
        this.scheduler = scheduler;
        this.admission = admission;
        this.primary = primary;
        this.leases = Map.copyOf(leases);
        this.pieces = List.copyOf(pieces);
        this.listener = listener;
        this.observer = observer;
        this.outRate = outRate;
        this.lookahead = lookahead;
        this.ticker = ticker;
        this.startNanos = ticker.getAsLong();
        this.timeout = timeout;
        this.sentences = sentences;
        this.sequence = scheduler.nextSequence();
        this.states = new PieceState[this.pieces.size()];
        int chars = 0;
        for (int i = 0; i < states.length; i++) {
            states[i] = new PieceState();
            if (i < from || i >= to) {
                states[i].complete = true;
            } else if (this.pieces.get(i) instanceof Piece.Speech s) {
                chars += s.text().length();
            } else {
                states[i].complete = true;
            }
        }
        this.characters = chars;
        this.delivering = from;
        this.submitted = from;
    }

    /** Starts the first pieces; the caller has already been admitted on the primary voice's engine. */
    synchronized void start() {
        call(() -> listener.onStart(primary, outRate, pieces.size()));
        begin(from);
        advance();
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

    /**
     * Submits the next pieces within the lookahead; a sentence found in the sentence cache is replayed at once
     * instead. Returns whether any was replayed, so the caller delivers again.
     */
    private boolean submitMore() {
        boolean replayed = false;
        while (!ended && submitted < to && submitted < delivering + lookahead && consumerReady()) {
            int index = submitted++;
            if (pieces.get(index) instanceof Piece.Speech s) {
                SentenceCache.Key key = sentences == null ? null : SentenceCache.key(s);
                SentenceCache.Entry cached = key == null ? null : sentences.get(key);
                if (cached != null) {
                    replay(index, cached);
                    admission.done(s.text().length()); // No worker time: the work ahead of others shrinks now.
                    replayed = true;
                    continue;
                }
                execute(index, s, key);
            }
        }
        return replayed;
    }

    /** Queues speech piece {@code index} on its engine. */
    private void execute(int index, Piece.Speech s, SentenceCache.Key key) {
        long queued = ticker.getAsLong();
        scheduler.execute(s.voice().engine(), new SynthesisScheduler.ChunkTask(admission.priority, sequence, index) {
            @Override
            public void run() {
                if (deferWhilePaused(index)) {
                    return;
                }
                long started = ticker.getAsLong();
                boolean completed = false;
                try {
                    completed = runPiece(index, s, key);
                } finally {
                    scheduler.chunkDone(s.voice().engine(), admission, s.text().length(),
                            ticker.getAsLong() - started, completed);
                    observe(index, s, queued, started, completed);
                }
            }
        });
    }

    /**
     * A piece ahead of the one being delivered that reaches a worker while its client reads nothing does not run:
     * it is queued again when the client reads (see {@link #resume}), so a stalled stream holds the audio of the
     * sentence it is sending, not also of those queued behind it.
     */
    private synchronized boolean deferWhilePaused(int index) {
        if (paused && !ended && index != delivering) {
            deferred.add(index);
            return true;
        }
        return false;
    }

    /**
     * Whether the listener can take more; when it cannot, asks to be told when it can and starts nothing new
     * until then (backpressure: a client that does not read holds no more than the sentences already running).
     */
    private boolean consumerReady() {
        if (paused) {
            return false;
        }
        boolean ready;
        try {
            ready = listener.ready();
        } catch (RuntimeException e) {
            fail(new SynthesisCancelledException("consumer stopped the synthesis: " + e.getMessage()));
            return false;
        }
        if (ready) {
            return true;
        }
        paused = true;
        scheduler.park(admission);
        listener.whenReady(() -> RESUME.execute(this::resume));
        return false;
    }

    /** Continues after the listener could take no more: delivers what finished meanwhile and submits more. */
    private synchronized void resume() {
        paused = false;
        if (!ended) {
            scheduler.unpark(admission);
            for (int index : deferred) {
                Piece.Speech s = (Piece.Speech) pieces.get(index);
                execute(index, s, sentences == null ? null : SentenceCache.key(s));
            }
            deferred.clear();
            advance();
        }
    }

    /** Feeds a cached sentence through the path engine output takes and marks the piece done. */
    private void replay(int index, SentenceCache.Entry cached) {
        for (Object item : cached.items()) {
            piece(index, item instanceof short[] a ? a : null, item instanceof SynthesisEvent e ? e : null);
        }
        states[index].complete = true;
    }

    private void observe(int index, Piece.Speech s, long queued, long started, boolean completed) {
        try {
            observer.chunk(index, s.voice(), s.text().length(), queued, started, ticker.getAsLong(), completed);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "observer failed in chunk", e);
        }
    }

    /** Runs one speech piece on the calling worker; returns whether the engine spoke all of it. */
    private boolean runPiece(int index, Piece.Speech speech, SentenceCache.Key key) {
        if (ended) {
            return false;
        }
        Voice voice = leases.get(speech.voice().id()).voice();
        AudioEffects effects = AudioEffects.create(speech.options(), speech.voice().sampleRate());
        SentenceCache.Recorder recorder = key == null ? null : sentences.recorder();
        AudioSink sink = new AudioSink() {
            @Override
            public Action onAudio(short[] samples, int offset, int length) {
                short[] copy = Arrays.copyOfRange(samples, offset, offset + length);
                short[] out = effects == null ? copy : effects.process(copy);
                if (recorder != null) {
                    recorder.audio(out);
                }
                return piece(index, out, null);
            }

            @Override
            public Action onEvent(SynthesisEvent event) {
                if (recorder != null) {
                    recorder.event(event);
                }
                return piece(index, null, event);
            }
        };
        try {
            boolean complete = speech.ipa() != null && voice.supportsPhonemes()
                    ? voice.synthesizePhonemes(speech.ipa(), speech.options(), sink)
                    : voice.synthesize(speech.text(), speech.options(), sink);
            if (complete && effects != null) {
                short[] tail = effects.flush();
                if (recorder != null) {
                    recorder.audio(tail);
                }
                piece(index, tail, null);
            }
            if (complete) {
                if (recorder != null) {
                    sentences.put(key, recorder);
                }
                pieceDone(index);
            } else if (!ended) {
                fail(new SynthesisException("engine '" + speech.voice().engine() + "' stopped piece " + index
                        + " early"));
            }
            return complete;
        } catch (ChorusException e) {
            fail(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "engine " + speech.voice().engine() + " failed on piece " + index, e);
            fail(new SynthesisException("engine '" + speech.voice().engine() + "' failed: " + e.getMessage(), e));
        }
        return false;
    }

    private synchronized AudioSink.Action piece(int index, short[] audio, SynthesisEvent event) {
        if (ended) {
            return AudioSink.Action.STOP;
        }
        PieceState s = states[index];
        if (event instanceof SynthesisEvent.Word) {
            s.sawWord = true;
        }
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

    private synchronized void pieceDone(int index) {
        if (ended) {
            return;
        }
        states[index].complete = true;
        advance();
    }

    /** Delivers every finished piece at the head of the plan, then submits more work or finishes. */
    private void advance() {
        do {
            while (!ended && delivering < to && states[delivering].complete) {
                int done = delivering;
                end(done);
                call(() -> listener.onChunkDone(done, pieces.size()));
                delivering++;
                if (delivering < to) {
                    begin(delivering);
                }
            }
            if (ended) {
                return;
            }
            if (delivering == to) {
                finish();
                return;
            }
        } while (submitMore());
    }

    /** Starts delivering piece {@code index}: its sentence timing, its silence or mark, and what it buffered. */
    private void begin(int index) {
        if (index >= pieces.size()) {
            return;
        }
        PieceState s = states[index];
        s.startOut = plannedOut;
        if (raw != null) {
            beginRaw(index, s);
            return;
        }
        switch (pieces.get(index)) {
            case Piece.Speech sp -> {
                if (sp.sentenceStart()) {
                    timing(Timing.at(Timing.Kind.SENTENCE, sp.text(), sp.sourceStart(0), sp.sourceEnd(sp.text().length()),
                            s.startOut, outRate, false));
                }
                for (Object item : s.pending) {
                    emit(index, item instanceof short[] a ? a : null, item instanceof SynthesisEvent e ? e : null);
                }
                s.pending.clear();
            }
            case Piece.Silence si -> {
                flushResampler();
                runRate = 0;
                long n = si.millis() * outRate / 1000;
                short[] zeros = new short[(int) Math.min(n, outRate)];
                for (long left = n; left > 0 && !ended; left -= zeros.length) {
                    deliverAudio(left >= zeros.length ? zeros : Arrays.copyOf(zeros, (int) left));
                }
                s.outLength = n;
            }
            case Piece.Mark m -> timing(Timing.at(Timing.Kind.MARK, m.name(), m.sourceOffset(), m.sourceOffset(),
                    s.startOut, outRate, false));
        }
    }

    /** Starts piece {@code index} of a raw run: its description, then what it buffered, as the engine made it. */
    private void beginRaw(int index, PieceState s) {
        switch (pieces.get(index)) {
            case Piece.Speech sp -> {
                Timing sentence = sp.sentenceStart() ? Timing.at(Timing.Kind.SENTENCE, sp.text(), sp.sourceStart(0),
                        sp.sourceEnd(sp.text().length()), 0, sp.voice().sampleRate(), false) : null;
                call(() -> raw.onPieceStart(index, PieceListener.Kind.SPEECH, sp.voice().sampleRate(), 0, sentence));
                for (Object item : s.pending) {
                    emit(index, item instanceof short[] a ? a : null, item instanceof SynthesisEvent e ? e : null);
                }
                s.pending.clear();
            }
            case Piece.Silence si -> call(() -> raw.onPieceStart(index, PieceListener.Kind.SILENCE, 0, si.millis(),
                    null));
            case Piece.Mark m -> call(() -> raw.onPieceStart(index, PieceListener.Kind.MARK, 0, 0,
                    Timing.at(Timing.Kind.MARK, m.name(), m.sourceOffset(), m.sourceOffset(), 0, outRate, false)));
        }
    }

    /** Ends piece {@code index} of a raw run: its length at its voice rate and the words to time by estimate. */
    private void endRaw(int index, PieceState s) {
        List<Timing> words = new ArrayList<>();
        List<Long> before = new ArrayList<>();
        long weight = 0;
        if (pieces.get(index) instanceof Piece.Speech sp && !s.sawWord) {
            Matcher m = WORD.matcher(sp.text());
            while (m.find()) {
                words.add(Timing.at(Timing.Kind.WORD, sp.text().substring(m.start(), m.end()),
                        sp.sourceStart(m.start()), sp.sourceEnd(m.end()), 0, outRate, true));
                before.add(weight);
                weight += m.end() - m.start() + 1;
            }
        }
        long[] b = before.stream().mapToLong(Long::longValue).toArray();
        long w = weight;
        call(() -> raw.onPieceEnd(index, s.voiceSamples, words, b, w));
        s.pending.clear();
    }

    /** Ends delivery of piece {@code index}: estimated word timings if the engine gave none, the plan clock. */
    private void end(int index) {
        PieceState s = states[index];
        if (raw != null) {
            endRaw(index, s);
            return;
        }
        if (pieces.get(index) instanceof Piece.Speech sp) {
            int rate = sp.voice().sampleRate();
            if (rate != runRate) {
                runRate = rate;
                runVoiceSamples = 0;
                runStartOut = s.startOut;
            }
            // The run's output so far, as the resampler makes it: rounding each piece alone would drift from it.
            runVoiceSamples += s.voiceSamples;
            s.outLength = runStartOut + Math.ceilDiv(runVoiceSamples * outRate, rate) - s.startOut;
            if (!s.sawWord) {
                estimateWords(sp, s);
            }
        }
        plannedOut = s.startOut + s.outLength;
        s.pending.clear();
    }

    private void estimateWords(Piece.Speech sp, PieceState s) {
        List<int[]> words = new ArrayList<>();
        Matcher m = WORD.matcher(sp.text());
        int weight = 0;
        while (m.find()) {
            words.add(new int[] {m.start(), m.end()});
            weight += m.end() - m.start() + 1;
        }
        int before = 0;
        for (int[] w : words) {
            long at = s.startOut + (weight == 0 ? 0 : s.outLength * before / weight);
            timing(Timing.at(Timing.Kind.WORD, sp.text().substring(w[0], w[1]), sp.sourceStart(w[0]),
                    sp.sourceEnd(w[1]), at, outRate, true));
            before += w[1] - w[0] + 1;
        }
    }

    private void emit(int index, short[] audio, SynthesisEvent event) {
        Piece.Speech sp = (Piece.Speech) pieces.get(index);
        int rate = sp.voice().sampleRate();
        if (raw != null && audio != null) {
            deliverAudio(audio);
            return;
        }
        if (audio != null) {
            if (resamplerRate != rate) {
                flushResampler();
                resamplerRate = rate;
                resampler = rate == outRate ? null : Resampler.create(rate, outRate);
            }
            deliverAudio(resampler == null ? audio : resampler.process(audio, 0, audio.length));
            return;
        }
        long at = raw != null ? event.sampleOffset() : states[index].startOut + toOut(event.sampleOffset(), rate);
        int timeRate = raw != null ? rate : outRate;
        switch (event) {
            case SynthesisEvent.Word w -> {
                int start = Math.clamp(w.textOffset(), 0, sp.text().length());
                int end = Math.clamp((long) w.textOffset() + w.textLength(), start, sp.text().length());
                if (end > start) {
                    timing(Timing.at(Timing.Kind.WORD, sp.text().substring(start, end), sp.sourceStart(start),
                            sp.sourceEnd(end), at, timeRate, false));
                }
            }
            case SynthesisEvent.Mark mk -> timing(Timing.at(Timing.Kind.MARK, mk.name(), sp.sourceStart(0),
                    sp.sourceStart(0), at, timeRate, false));
            case SynthesisEvent.Sentence ignored -> {
                // The plan reports sentences itself, with offsets into the input.
            }
        }
    }

    private void flushResampler() {
        if (resampler != null) {
            deliverAudio(resampler.flush());
        }
        resampler = null;
        resamplerRate = 0;
    }

    private void timing(Timing t) {
        call(() -> listener.onTiming(t));
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

    private long toOut(long voiceSample, int rate) {
        return Math.round(voiceSample * (double) outRate / rate);
    }

    private void finish() {
        flushResampler();
        if (ended) {
            return;
        }
        ended = true;
        long now = ticker.getAsLong();
        SynthesisSummary summary = new SynthesisSummary(primary.id(), outRate, outSamples, characters, pieces.size(),
                Duration.ofNanos(firstAudioNanos < 0 ? now - startNanos : firstAudioNanos - startNanos),
                Duration.ofNanos(now - startNanos));
        try {
            listener.onComplete(summary);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "listener failed in onComplete", e);
        }
        // Released before the future completes, so whoever sees it complete can be admitted again at once.
        releaseAll();
        completion.complete(summary);
    }

    /** Ends the job with an error, once; later calls do nothing. */
    synchronized void fail(ChorusException error) {
        if (ended) {
            return;
        }
        ended = true;
        try {
            listener.onError(error);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "listener failed in onError", e);
        }
        releaseAll();
        completion.completeExceptionally(error);
    }

    /** Gives back the admission slot and closes the voice leases; called just before the completion completes. */
    private void releaseAll() {
        scheduler.release(admission);
        leases.values().forEach(VoiceLease::close);
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

    private static final class PieceState {
        final List<Object> pending = new ArrayList<>();
        long voiceSamples;
        long startOut;
        long outLength;
        boolean complete;
        boolean sawWord;
    }
}
