package dev.chorus.service;

import dev.chorus.audio.EncoderOptions;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.RequestParser;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.service.cache.AudioCache;
import dev.chorus.service.cache.AudioCacheKey;
import dev.chorus.service.safety.ContentSafety;
import dev.chorus.service.stage.AdmitStage;
import dev.chorus.service.stage.CacheStage;
import dev.chorus.service.stage.RouteStage;
import dev.chorus.service.stage.ScreenStage;
import dev.chorus.service.stage.SynthesizeStage;
import dev.chorus.ssml.SsmlParser;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.TextOptions;
import dev.chorus.tts.VoiceInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The speech pipeline every front end shares. {@link #prepare} turns what a client sent into a
 * {@link PreparedSpeech} once (input checked, SSML parsed under the limits, routing language, voice resolved);
 * {@link #serve} runs the stages around one {@link Synthesis}: screen → route → admit → cache and single flight →
 * synthesize (mask, encode). A front end only maps its protocol onto {@link SpeechInput}, {@link Caller} and
 * {@link AudioOutput}.
 *
 * <p>Thread-safe: one service serves every request; per-request state lives in the {@link SpeechCall} and the
 * outputs.
 */
public final class SpeechService {

    private final RequestParser parser;
    private final VoiceRouter router;
    private final Duration defaultTimeout;
    private final SpeechStage.Next pipeline;
    /** The stages before the cache, when a memory hit may be answered without blocking; else null. */
    private final List<SpeechStage> beforeCache;
    private final CacheStage cacheStage;
    private final AudioCache cache;

    /** Where a pinned cache hit would go next: nowhere, since the pinned stage answers every call it takes. */
    private static final SpeechStage.Next PAST_THE_HIT = (call, output) -> {
        throw new IllegalStateException("a pinned cache hit went on past the cache");
    };

    private SpeechService(Builder b) {
        this.parser = b.parser;
        this.router = b.router;
        this.defaultTimeout = b.defaultTimeout;
        List<SpeechStage> stages = b.stages != null ? b.stages : b.defaultStages();
        this.pipeline = compose(stages, new SynthesizeStage(b.synthesis, b.encoderOptions));
        // A memory hit blocks on nothing when the stages before the cache cannot: the default stages, with an
        // admission that keeps its limits in memory and no content rules (which could mask, and so bypass the cache).
        CacheStage found = b.stages != null ? null : stages.stream().filter(CacheStage.class::isInstance)
                .map(CacheStage.class::cast).findFirst().orElse(null);
        boolean atOnce = found != null && !b.admission.mayBlock() && (b.safety == null || !b.safety.screens());
        this.cacheStage = atOnce ? found : null;
        this.beforeCache = atOnce ? List.copyOf(stages.subList(0, stages.indexOf(found))) : null;
        this.cache = atOnce ? b.cache : null;
    }

    private static SpeechStage.Next compose(List<SpeechStage> stages, SpeechStage.Next last) {
        SpeechStage.Next next = last;
        for (SpeechStage stage : stages.reversed()) {
            SpeechStage.Next rest = next;
            next = (call, output) -> stage.serve(call, output, rest);
        }
        return next;
    }

    /** Returns a builder over {@code synthesis} that routes voices with {@code router}. */
    public static Builder builder(Synthesis synthesis, VoiceRouter router) {
        return new Builder(synthesis, router);
    }

    /** Returns the voice router. */
    public VoiceRouter router() {
        return router;
    }

    /**
     * Prepares what a client sent, once: checks the text's length and characters, decides plain text or SSML and
     * parses SSML under the limits, takes the routing language (the request's, or the document's when no voice
     * is named), resolves the voice and refuses a language the voices cannot speak.
     *
     * @throws dev.chorus.tts.InvalidInputException for bad input, naming the field
     * @throws dev.chorus.tts.VoiceNotFoundException for an unknown voice
     * @throws ApiException 404 for an unknown model, 400 for a voice of another engine than the model
     */
    public PreparedSpeech prepare(SpeechInput input) {
        return prepare(input, Caller.ANONYMOUS);
    }

    /**
     * Prepares what {@code caller} sent, as {@link #prepare(SpeechInput)} does, telling the caller's telemetry the
     * voice as soon as it is resolved (so a request refused for its text is still counted under its voice).
     */
    public PreparedSpeech prepare(SpeechInput input, Caller caller) {
        SynthesisRequest raw = new SynthesisRequest(input.text(), null, input.options(), input.encoding(),
                input.sampleRate(), input.timeout() != null ? input.timeout() : defaultTimeout, input.textOptions());
        String language = input.options().language();
        // Only a document that names no voice and no language routes by its own xml:lang; else route first.
        boolean routesByDocument = blank(input.voice()) && blank(language) && markup(input);
        VoiceInfo voice = routesByDocument ? null : resolve(input, language, caller);
        ParsedRequest parsed = parser.parse(raw, input.field());
        if (voice == null) {
            language = VoiceRouter.routingLanguage(input.voice(), language, parsed);
            voice = resolve(input, language, caller);
        }
        PreparedSpeech prepared = new PreparedSpeech(input, parsed.withVoice(pinned(input.voice(), voice)), voice,
                language);
        router.checkLanguages(prepared);
        return prepared;
    }

    /**
     * Returns the voice id the synthesis gets: {@code id@version} when the request named that version (so a
     * synthesis that can run several versions, a cluster gateway's, runs that one), else the id.
     */
    private static String pinned(String asked, VoiceInfo voice) {
        return asked != null && asked.strip().endsWith("@" + voice.version()) && asked.indexOf('@') > 0
                ? voice.id() + "@" + voice.version() : voice.id();
    }

    private VoiceInfo resolve(SpeechInput input, String language, Caller caller) {
        VoiceInfo voice = router.resolve(input.model(), input.voice(), language);
        caller.telemetry().resolved(voice);
        return voice;
    }

    private static boolean markup(SpeechInput input) {
        TextOptions.Format f = input.textOptions().format();
        return f == TextOptions.Format.SSML || (f == TextOptions.Format.AUTO && SsmlParser.looksLikeSsml(input.text()));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * Serves a prepared request for {@code caller} into {@code output}: refusals are thrown before anything
     * reaches the output; afterwards audio, timings and the outcome arrive at {@code output} in order.
     *
     * @return the handle that cancels this request's share of the work
     * @throws RuntimeException a refusal: {@link ApiException} (content rules, tenant limits) or a
     *                          {@link dev.chorus.tts.ChorusException} (overloaded, voice unavailable)
     */
    public SynthesisHandle serve(PreparedSpeech speech, Caller caller, AudioOutput output) {
        Objects.requireNonNull(output, "output");
        SpeechCall call = SpeechCall.of(speech, caller);
        told(call);
        return pipeline.serve(call, output);
    }

    /**
     * Serves a prepared request as {@link #serve} does, but only when it is answered from the audio cache's memory
     * tier and nothing on the way can block: then every stage before the cache runs as usual (screening, routing,
     * admission with its refusals, the cache's header and counts) and the recorded audio is replayed into
     * {@code output} before this returns, so a front end may call this on a thread that must not block (an event
     * loop). Returns {@code null}, having done nothing, when the request needs more: a cache miss, a bypass, a
     * disk-tier lookup, an admission that may block, content rules, or stages replaced with
     * {@link Builder#stages}; the front end then calls {@link #serve} from a thread that may block.
     *
     * @throws RuntimeException a refusal, as {@link #serve} throws it
     */
    public SynthesisHandle serveFromMemory(PreparedSpeech speech, Caller caller, AudioOutput output) {
        Objects.requireNonNull(output, "output");
        if (cacheStage == null) {
            return null;
        }
        SpeechCall call = SpeechCall.of(speech, caller);
        if (call.bypass()) {
            return null;
        }
        AudioCache.Pin pin = cache.pin(AudioCacheKey.of(speech.request(), speech.voice()));
        if (pin == null) {
            return null;
        }
        List<SpeechStage> stages = new ArrayList<>(beforeCache.size() + 1);
        stages.addAll(beforeCache);
        stages.add(cacheStage.pinned(pin));
        told(call);
        return compose(stages, PAST_THE_HIT).serve(call, output);
    }

    private static void told(SpeechCall call) {
        call.telemetry().format(call.speech().request().encoding());
        call.telemetry().input(call.speech().input().text());
    }

    /** Configures a {@link SpeechService}. */
    public static final class Builder {
        private final Synthesis synthesis;
        private final VoiceRouter router;
        private RequestParser parser = new RequestParser(100_000, dev.chorus.ssml.SsmlLimits.defaults());
        private EncoderOptions encoderOptions = EncoderOptions.defaults();
        private Duration defaultTimeout = Duration.ofMinutes(10);
        private ContentSafety safety;
        private Admission admission = Admission.OPEN;
        private AudioCache cache;
        private List<SpeechStage> stages;
        private dev.chorus.service.backcheck.Backcheck backcheck;
        private io.micrometer.core.instrument.MeterRegistry signalMeters;
        private dev.chorus.service.quality.MosEstimates mosEstimates;

        private Builder(Synthesis synthesis, VoiceRouter router) {
            this.synthesis = Objects.requireNonNull(synthesis, "synthesis");
            this.router = Objects.requireNonNull(router, "router");
        }

        /** Sets the parser that checks inputs and parses SSML (default: 100,000 characters, default SSML limits). */
        public Builder parser(RequestParser p) {
            this.parser = Objects.requireNonNull(p, "parser");
            return this;
        }

        /** Sets the encoders' settings (default: {@link EncoderOptions#defaults()}). */
        public Builder encoderOptions(EncoderOptions o) {
            this.encoderOptions = Objects.requireNonNull(o, "encoderOptions");
            return this;
        }

        /** Sets the deadline of requests that bring none (default 10 minutes). */
        public Builder defaultTimeout(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("defaultTimeout: " + d + " (expected: > 0)");
            }
            this.defaultTimeout = d;
            return this;
        }

        /** Sets the content rules the screening stage applies (default: none, everything passes). */
        public Builder contentSafety(ContentSafety s) {
            this.safety = Objects.requireNonNull(s, "contentSafety");
            return this;
        }

        /** Sets who may have a synthesis (default: {@link Admission#OPEN}). */
        public Builder admission(Admission a) {
            this.admission = Objects.requireNonNull(a, "admission");
            return this;
        }

        /** Sets the audio cache with single flight (default: none). */
        public Builder cache(AudioCache c) {
            this.cache = Objects.requireNonNull(c, "cache");
            return this;
        }

        /**
         * Records the signal checks of every synthesized response (clipping, silence, loudness, DC offset, SNR)
         * into {@code meters} (default: none); see {@link dev.chorus.service.quality.SignalChecks}.
         */
        public Builder signalChecks(io.micrometer.core.instrument.MeterRegistry meters) {
            this.signalMeters = Objects.requireNonNull(meters, "meters");
            return this;
        }

        /**
         * Rates a sampled fraction of synthesized responses with a MOS predictor, beside the signal checks (default:
         * none); see {@link dev.chorus.service.quality.MosEstimates}.
         */
        public Builder mosEstimates(dev.chorus.service.quality.MosEstimates m) {
            this.mosEstimates = Objects.requireNonNull(m, "mosEstimates");
            return this;
        }

        /** Sets the speech back-check, the last stage before the synthesis (default: none). */
        public Builder backcheck(dev.chorus.service.backcheck.Backcheck b) {
            this.backcheck = Objects.requireNonNull(b, "backcheck");
            return this;
        }

        /**
         * Replaces the stages before the synthesis (default: screen, route, admit, cache, from the settings
         * above); the last stage's next is the synthesis itself.
         */
        public Builder stages(List<SpeechStage> s) {
            if (stages != null) {
                throw new IllegalStateException("stages were already set to " + stages);
            }
            this.stages = List.copyOf(s);
            return this;
        }

        private List<SpeechStage> defaultStages() {
            List<SpeechStage> s = new ArrayList<>();
            if (safety != null) {
                s.add(new ScreenStage(safety));
            }
            s.add(new RouteStage(router));
            s.add(new AdmitStage(admission, router));
            if (cache != null) {
                s.add(new CacheStage(cache));
            }
            if (signalMeters != null) {
                s.add(new dev.chorus.service.quality.SignalChecks(signalMeters));
            }
            if (mosEstimates != null) {
                s.add(mosEstimates.stage());
            }
            if (backcheck != null) {
                s.add(backcheck.stage());
            }
            return s;
        }

        /** Builds the service. */
        public SpeechService build() {
            return new SpeechService(this);
        }
    }
}
