package dev.chorus.runtime;

import dev.chorus.ssml.SsmlLimits;
import dev.chorus.text.Lexicon;
import dev.chorus.text.TextPipeline;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.VoiceInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Turns {@link SynthesisRequest}s into audio: validates the text, splits it into chunks, routes it to a voice,
 * runs the chunks on the engine's pool and streams the audio back in order at the requested rate.
 */
public final class Synthesizer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Synthesizer.class.getName());

    private final EngineRegistry registry;
    private final TextPipeline pipeline;
    private final SynthesisScheduler scheduler;
    private final Planner planner;
    private final RequestParser parser;
    private final Duration defaultTimeout;
    private final int lookahead;
    private final LongSupplier ticker;
    private final ScheduledExecutorService timer;
    private final SentenceCache sentences;

    private Synthesizer(Builder b) {
        this.registry = Objects.requireNonNull(b.registry, "registry");
        this.pipeline = b.pipeline != null ? b.pipeline
                : TextPipeline.builder().lexicon(Lexicon.combine(b.lexicons)).build();
        this.defaultTimeout = b.defaultTimeout;
        this.lookahead = b.lookahead;
        this.ticker = b.ticker;
        this.sentences = b.sentences;
        this.planner = new Planner(registry, pipeline);
        this.parser = new RequestParser(b.maxInputChars, b.ssmlLimits);
        this.scheduler = new SynthesisScheduler(b.maxPendingPerWorker, b.admissionWait, b.maxQueueWait,
                b.maxQueueWaitRatio);
        registry.engines().keySet().forEach(id -> scheduler.addEngine(id, registry.workers(id)));
        this.timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("chorus-deadlines").unstarted(r));
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the engine registry this synthesizer routes to. */
    public EngineRegistry registry() {
        return registry;
    }

    /** Returns the current reading of the clock that timings and {@link SynthesisObserver} times use. */
    public long nanoTime() {
        return ticker.getAsLong();
    }

    /** Returns the cache of single sentences' audio, when one is set. */
    public java.util.Optional<SentenceCache> sentenceCache() {
        return java.util.Optional.ofNullable(sentences);
    }

    /** Returns the scheduler, for its load figures. */
    public SynthesisScheduler scheduler() {
        return scheduler;
    }

    /**
     * Starts a synthesis and returns once it is admitted (at once, unless its engine is full and an admission
     * wait is set); audio reaches {@code listener} as it is made.
     *
     * @throws ChorusException for bad input, an unknown voice or an overloaded engine, before any work starts
     */
    public SynthesisHandle start(SynthesisRequest request, SynthesisListener listener) {
        return start(request, listener, SynthesisObserver.NONE);
    }

    /**
     * Starts a synthesis as {@link #start(SynthesisRequest, SynthesisListener)} does, reporting its stages (plan,
     * each piece on its engine) to {@code observer}.
     *
     * @throws ChorusException for bad input, an unknown voice or an overloaded engine, before any work starts
     */
    public SynthesisHandle start(SynthesisRequest request, SynthesisListener listener, SynthesisObserver observer) {
        return start(request, listener, observer, true);
    }

    /**
     * Starts a synthesis as {@link #start(SynthesisRequest, SynthesisListener, SynthesisObserver)} does;
     * {@code reuseSentences} false synthesizes every sentence afresh, neither reading nor filling the sentence
     * cache.
     *
     * @throws ChorusException for bad input, an unknown voice or an overloaded engine, before any work starts
     */
    public SynthesisHandle start(SynthesisRequest request, SynthesisListener listener, SynthesisObserver observer,
                                 boolean reuseSentences) {
        return start(parser.parse(Objects.requireNonNull(request, "request")), listener, observer, reuseSentences);
    }

    /** Returns the parser that checks and parses requests with this synthesizer's input and SSML limits. */
    public RequestParser parser() {
        return parser;
    }

    /**
     * Starts a synthesis of a request already checked and parsed (by {@link #parser()} or another
     * {@link RequestParser}), as {@link #start(SynthesisRequest, SynthesisListener, SynthesisObserver, boolean)}
     * does; its input is not read again.
     *
     * @throws ChorusException for an unknown voice or an overloaded engine, before any work starts
     */
    public SynthesisHandle start(ParsedRequest parsed, SynthesisListener listener, SynthesisObserver observer,
                                 boolean reuseSentences) {
        return start(parsed, 0, Integer.MAX_VALUE, listener, observer, reuseSentences);
    }

    /**
     * Starts a run of a request's plan only: pieces {@code from} (inclusive) to {@code to} (exclusive; past the
     * plan's end: to its end), delivered to {@code listener} at the voices' own rates as {@link PieceListener}
     * describes, for a caller that joins runs made in several processes into the request's audio. The plan is the
     * one {@link #start(ParsedRequest, SynthesisListener, SynthesisObserver, boolean)} makes of the same request.
     *
     * @throws dev.chorus.tts.InvalidInputException when {@code from} is not a piece of the plan
     * @throws ChorusException for an unknown voice or an overloaded engine, before any work starts
     */
    public SynthesisHandle startPieces(ParsedRequest parsed, int from, int to, PieceListener listener,
                                       SynthesisObserver observer, boolean reuseSentences) {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("pieces: [" + from + ", " + to + ") (expected: 0 <= from < to)");
        }
        return start(parsed, from, to, listener, observer, reuseSentences);
    }

    private SynthesisHandle start(ParsedRequest parsed, int from, int toAsked, SynthesisListener listener,
                                  SynthesisObserver observer, boolean reuseSentences) {
        Objects.requireNonNull(parsed, "parsed");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(observer, "observer");
        SynthesisRequest request = parsed.request();
        long planStart = ticker.getAsLong();
        Planner.Plan plan = planner.plan(parsed);
        VoiceInfo info = plan.voice();
        int to = Math.min(toAsked, plan.pieces().size());
        if (from >= to) {
            throw new dev.chorus.tts.InvalidInputException("pieces", "pieces: from " + from + " (expected: below the "
                    + "plan's " + plan.pieces().size() + " pieces)");
        }
        try {
            observer.planned(info, plan.pieces().size(), planStart, ticker.getAsLong());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "observer failed in planned", e);
        }
        // The requested rate, or the format's default for the voice (its own rate where the format carries it).
        int rate = request.encoding().outputRate(request.sampleRate(), info.sampleRate());
        Duration timeout = request.timeout() != null ? request.timeout() : defaultTimeout;
        int chars = 0;
        for (Piece p : plan.pieces().subList(from, to)) {
            if (p instanceof Piece.Speech s) {
                chars += s.text().length();
            }
        }
        Admission admission = scheduler.admit(info.engine(), request.priority(), chars, timeout);
        Map<String, VoiceLease> leases = new HashMap<>();
        SynthesisRun job;
        try {
            for (Piece p : plan.pieces().subList(from, to)) {
                if (p instanceof Piece.Speech s && !leases.containsKey(s.voice().id())) {
                    leases.put(s.voice().id(), registry.acquire(s.voice()));
                }
            }
            job = new SynthesisRun(scheduler, admission, info, leases, plan.pieces(), listener, observer,
                    rate, lookahead, ticker, timeout, reuseSentences ? sentences : null, from, to);
        } catch (RuntimeException e) {
            scheduler.release(admission);
            leases.values().forEach(VoiceLease::close);
            throw e;
        }
        ScheduledFuture<?> expiry = timer.schedule(job::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        job.completion().whenComplete((s, e) -> expiry.cancel(false));
        plan.warnings().forEach(w -> {
            try {
                listener.onWarning(w);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "listener failed in onWarning", e);
            }
        });
        job.start();
        return job;
    }

    /** Stops the scheduler and closes the engines. */
    @Override
    public void close() {
        timer.shutdownNow();
        scheduler.close();
        registry.close();
    }

    /** Configures a {@link Synthesizer}. */
    public static final class Builder {
        private EngineRegistry registry;
        private TextPipeline pipeline;
        private int maxInputChars = 100_000;
        private Duration defaultTimeout = Duration.ofMinutes(10);
        private int lookahead = 2;
        private int maxPendingPerWorker = 32;
        private Duration admissionWait = Duration.ZERO;
        private Duration maxQueueWait = Duration.ZERO;
        private double maxQueueWaitRatio;
        private LongSupplier ticker = System::nanoTime;
        private final List<Lexicon> lexicons = new ArrayList<>();
        private SsmlLimits ssmlLimits = SsmlLimits.defaults();
        private SentenceCache sentences;

        private Builder() {
        }

        /**
         * Sets the cache of single sentences' audio (default: none, every sentence is synthesized). Sentences with
         * the same voice, voice version, text and options are then replayed from it instead of synthesized.
         */
        public Builder sentenceCache(SentenceCache cache) {
            this.sentences = cache;
            return this;
        }

        /** Adds a lexicon applied to every request, after the request's own pronunciations (default: none). */
        public Builder lexicon(Lexicon lexicon) {
            lexicons.add(Objects.requireNonNull(lexicon, "lexicon"));
            return this;
        }

        /** Sets the SSML limits: document size, depth, elements, break and silence lengths. */
        public Builder ssmlLimits(SsmlLimits limits) {
            this.ssmlLimits = Objects.requireNonNull(limits, "ssmlLimits");
            return this;
        }

        /** Sets the engines to route to (required). */
        public Builder registry(EngineRegistry r) {
            this.registry = Objects.requireNonNull(r, "registry");
            return this;
        }

        /** Sets the text pipeline (default: {@code TextPipeline.builder().build()}). */
        public Builder pipeline(TextPipeline p) {
            this.pipeline = Objects.requireNonNull(p, "pipeline");
            return this;
        }

        /** Sets the longest input accepted, in characters (default 100000). */
        public Builder maxInputChars(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxInputChars: " + n + " (expected: >= 1)");
            }
            this.maxInputChars = n;
            return this;
        }

        /** Sets the deadline of requests that do not set their own (default 10 minutes). */
        public Builder defaultTimeout(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("defaultTimeout: " + d + " (expected: > 0)");
            }
            this.defaultTimeout = d;
            return this;
        }

        /** Sets how many chunks of one request may be queued or running at once (default 2). */
        public Builder lookahead(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("lookahead: " + n + " (expected: >= 1)");
            }
            this.lookahead = n;
            return this;
        }

        /** Sets how many requests per engine worker may be in progress before new ones get 'overloaded'. */
        public Builder maxPendingPerWorker(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxPendingPerWorker: " + n + " (expected: >= 1)");
            }
            this.maxPendingPerWorker = n;
            return this;
        }

        /**
         * Sets how long a request that finds its engine full waits for a slot before it gets 'overloaded'
         * (default zero: refused at once). The wait blocks the thread that calls {@link Synthesizer#start}.
         */
        public Builder admissionWait(Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("admissionWait: " + d + " (expected: >= 0)");
            }
            this.admissionWait = d;
            return this;
        }

        /**
         * Sets the longest predicted wait for an engine worker a request is admitted with (default zero: only the
         * request's own deadline limits it). A request predicted to wait longer is refused at once as
         * 'overloaded', with a Retry-After from the prediction; about the unloaded latency of a typical request
         * keeps the latency of admitted requests within about twice that under overload.
         */
        public Builder maxQueueWait(Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("maxQueueWait: " + d + " (expected: >= 0)");
            }
            this.maxQueueWait = d;
            return this;
        }

        /**
         * Sets the longest predicted wait for an engine worker a request is admitted with, as a multiple of its own
         * predicted synthesis time (default zero: off). A request predicted to wait longer is refused at once as
         * 'overloaded'; {@code 1} keeps an admitted request within about twice what it takes on an idle engine,
         * short or long, under any overload.
         */
        public Builder maxQueueWaitRatio(double ratio) {
            if (!(ratio >= 0) || Double.isInfinite(ratio)) {
                throw new IllegalArgumentException("maxQueueWaitRatio: " + ratio + " (expected: >= 0)");
            }
            this.maxQueueWaitRatio = ratio;
            return this;
        }

        /** Sets the nanosecond clock used for deadlines and timings (default {@link System#nanoTime()}). */
        public Builder ticker(LongSupplier t) {
            this.ticker = Objects.requireNonNull(t, "ticker");
            return this;
        }

        /** Builds the synthesizer; it owns the registry and closes it on {@link #close()}. */
        public Synthesizer build() {
            return new Synthesizer(this);
        }
    }
}
